"""The intake page a dispatcher uses while on the phone: find the caller, see their open
tickets, record the request (first slice of issue 14).

The caller box asks `caller_results` as the dispatcher types (htmx); each hit is a link that
reloads the page with company, contact, site and equipment picked, so the form is filled and
the caller's open tickets are listed beside it. Saving goes through `ticket_create`.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from deskline.accounts.models import User
from deskline.clients.caller import caller_search
from deskline.clients.models import Company, Contact, Equipment
from deskline.clients.selectors import is_registry_staff
from deskline.clients.services.contacts import contact_create
from deskline.core.errors import DomainError
from deskline.core.roles import REGISTRY_WRITER_ROLES
from deskline.desk.web import staff_page
from deskline.routing.rules import routing_dry_run
from deskline.sla.selectors import sla_preview
from deskline.tickets.conversation import comment_add
from deskline.tickets.models import OPEN_PHASES, Channel, Priority, Ticket, TicketType
from deskline.tickets.services import ticket_create

PICKED = ("company", "contact", "site", "equipment")


def _ids(data: dict[str, str]) -> dict[str, int | None]:
    return {k: int(v) if (v := str(data.get(k, "")).strip()).isdigit() else None for k in PICKED}


@staff_page
def caller_results(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not is_registry_staff(user):
        return HttpResponseForbidden()
    hits = caller_search(user=user, query=request.GET.get("q", ""))
    return render(request, "desk/_callers.html", {"hits": hits})


@staff_page
def ticket_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not is_registry_staff(user):
        return HttpResponseForbidden()
    source = request.POST if request.method == "POST" else request.GET
    ids = _ids(source.dict())
    error = ""
    join = _int(request.POST.get("join")) if request.method == "POST" else None
    if request.method == "POST" and request.POST.get("action") == "contact":
        try:
            made = contact_create(
                actor=user,
                company_id=ids["company"],
                name=request.POST.get("contact_name", ""),
                phone=request.POST.get("contact_phone", ""),
                email=request.POST.get("contact_email", ""),
            )
        except DomainError as exc:
            error = str(exc)
        else:
            return HttpResponseRedirect(
                f"/tickets/new/?company={made.company_id or ''}&contact={made.pk}"
            )
    elif join is not None:
        try:
            _join(user, join, request.POST.dict(), ids["contact"])
        except DomainError as exc:
            error = str(exc)
        else:
            return HttpResponseRedirect(f"/tickets/{join}/")
    elif request.method == "POST":
        try:
            ticket = ticket_create(
                actor=user,
                title=request.POST.get("title", ""),
                description=request.POST.get("description", ""),
                channel=request.POST.get("channel") or Channel.PHONE,
                type_id=_int(request.POST.get("type")),
                priority_id=_int(request.POST.get("priority")),
                company_id=ids["company"],
                contact_id=ids["contact"],
                site_id=ids["site"],
                equipment_id=ids["equipment"],
            )
        except DomainError as exc:
            error = str(exc)
        else:
            return HttpResponseRedirect(f"/tickets/{ticket.number}/")
    company = Company.objects.filter(pk=ids["company"]).first() if ids["company"] else None
    contact = Contact.objects.filter(pk=ids["contact"]).first() if ids["contact"] else None
    equipment = (
        Equipment.objects.select_related("kind", "model").filter(pk=ids["equipment"]).first()
        if ids["equipment"]
        else None
    )
    open_tickets: list[Ticket] = []
    company_equipment: list[Equipment] = [equipment] if equipment else []
    if company is not None:
        company_equipment = list(
            Equipment.objects.filter(company_id=company.pk)
            .select_related("kind", "model")
            .order_by("pk")[:100]
        )
        open_tickets = list(
            Ticket.objects.filter(company_id=company.pk, status__phase__in=OPEN_PHASES)
            .select_related("status")
            .order_by("-pk")[:10]
        )
    context = {
        "nav": "new",
        "ids": ids,
        "company": company,
        "contact": contact,
        "equipment": equipment,
        "company_equipment": company_equipment,
        "open_tickets": open_tickets,
        "types": TicketType.objects.all(),
        "priorities": Priority.objects.order_by("weight"),
        "channels": Channel.choices,
        "channel": source.get("channel") or Channel.PHONE,
        "form": source,
        "error": error,
        "may_add_contact": user.is_superuser or user.role in REGISTRY_WRITER_ROLES,
    }
    return render(request, "desk/ticket_new.html", context, status=400 if error else 200)


def _join(user: User, number: int, data: dict[str, str], contact_id: int | None) -> None:
    """A repeat call: what the caller said becomes an internal note on their open ticket."""
    said = "\n\n".join(
        p for p in (data.get("title", "").strip(), data.get("description", "").strip()) if p
    )
    comment_add(
        actor=user,
        number=number,
        body=said or str(_("Repeat call.")),
        is_public=False,
        channel=Channel.PHONE,
        author_contact_id=contact_id,
    )


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


@staff_page
def intake_preview(request: HttpRequest) -> HttpResponse:
    """Which deadlines (SLA) and, for admins, which routing the form's fields would get."""
    user = request.user
    assert isinstance(user, User)
    if not is_registry_staff(user):
        return HttpResponseForbidden()
    data = request.POST
    facts: dict[str, Any] = {f"{k}_id": v for k, v in _ids(data.dict()).items()}
    facts["type_id"] = _int(data.get("type"))
    facts["priority_id"] = _int(data.get("priority"))
    context: dict[str, Any] = {"sla": None, "routing": None}
    with contextlib.suppress(DomainError):
        context["sla"] = sla_preview(user=user, facts=facts, created_at=timezone.now())
    try:
        routed = routing_dry_run(
            actor=user,
            fields={**facts, "title": data.get("title", ""), "channel": data.get("channel")},
        )
        context["routing"] = "; ".join(routed.get("explanation") or [])
    except DomainError:
        pass
    return render(request, "desk/_intake_preview.html", context)
