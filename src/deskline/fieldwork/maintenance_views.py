"""Desk pages of planned maintenance and expiries: the plans with their next dates, the
"expiring in 30/60/90 days" list, and a site's printable QR labels (thin adapters)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deskline.accounts.models import User
from deskline.accounts.pages import staff_page
from deskline.clients.selectors import equipment_visible_to, site_get_for
from deskline.core.errors import DomainError
from deskline.core.roles import REGISTRY_WRITER_ROLES
from deskline.fieldwork import expiry, labels
from deskline.fieldwork.maintenance_selectors import (
    next_maintenance,
    plan_get_for,
    plan_list_for,
    plan_past,
    plan_upcoming,
)
from deskline.fieldwork.maintenance_services import occurrence_move, occurrence_skip

EXPIRY_WINDOWS = (30, 60, 90)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@staff_page
def expiring_page(request: HttpRequest) -> HttpResponse:
    try:
        days = int(request.GET.get("days", "30"))
    except ValueError:
        days = 30
    days = days if days in EXPIRY_WINDOWS else 30
    today = timezone.localdate()
    items = expiry.expiring_for(_user(request), days=days, today=today)
    rows = [(item, (item.expires_on - today).days) for item in items]
    return render(request, "fieldwork/expiring.html",
                  {"rows": rows, "days": days, "windows": EXPIRY_WINDOWS})  # fmt: skip


@staff_page
def plans_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    plans = plan_list_for(_user(request), today=today, limit=500)
    rows = [(plan, next_maintenance(plan, today=today)) for plan in plans]
    return render(request, "fieldwork/plans.html", {"rows": rows})


@staff_page
def plan_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan with its past dates (and tickets) and next ones; writers skip or move a date."""
    user, today = _user(request), timezone.localdate()
    try:
        plan = plan_get_for(user, plan_id=pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    context = {"plan": plan, "past": plan_past(plan, today=today),
               "upcoming": plan_upcoming(plan, today=today, count=10),
               "may_write": user.is_superuser or user.role in REGISTRY_WRITER_ROLES}  # fmt: skip
    return render(request, "fieldwork/plan.html", context)


@require_POST
@staff_page
def plan_date_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Skip, unskip or move one date (the form on the plan page)."""
    user = _user(request)
    try:
        plan_get_for(user, plan_id=pk)
        due_on = dt.date.fromisoformat(request.POST.get("due_on", ""))
        action = request.POST.get("action", "")
        if action == "move":
            occurrence_move(actor=user, plan_id=pk, due_on=due_on,
                            to=dt.date.fromisoformat(request.POST.get("to", "")))  # fmt: skip
        else:
            occurrence_skip(actor=user, plan_id=pk, due_on=due_on, skip=action != "unskip")
    except ValueError:
        messages.error(request, _("Give the dates as YYYY-MM-DD."))
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    return HttpResponseRedirect(f"/maintenance/{pk}/")


@staff_page
def site_labels(request: HttpRequest, pk: int) -> HttpResponse:
    """A PDF of QR labels for the site's equipment (what the staff member may see of it)."""
    user = _user(request)
    try:
        site = site_get_for(user, site_id=pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    items = list(
        equipment_visible_to(user).filter(site=site).select_related("kind", "model").order_by("pk")
    )
    pdf = labels.labels_pdf(site=site, items=items, base_url=labels.portal_base(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="labels-site-{site.pk}.pdf"'
    return response
