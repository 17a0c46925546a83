"""Desk pages of planned maintenance and expiries: the plans with their next dates, the
"expiring in 30/60/90 days" list, and a site's printable QR labels (thin adapters)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from deskline.accounts.models import User
from deskline.clients.selectors import equipment_visible_to, site_get_for
from deskline.core.errors import DomainError
from deskline.desk.web import staff_page
from deskline.fieldwork import expiry, labels
from deskline.fieldwork.maintenance_selectors import next_maintenance, plan_list_for

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
