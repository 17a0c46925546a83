"""The intake page a dispatcher uses while on the phone: find the caller, see their open
tickets, record the request (first slice of issue 14).

The caller box asks `caller_results` as the dispatcher types (htmx); each hit is a link that
reloads the page with company, contact, site and equipment picked, so the form is filled and
the caller's open tickets are listed beside it. Saving goes through `ticket_create`.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from deskline.accounts.models import User
from deskline.channels.phone import call_log_ticket
from deskline.clients.caller import caller_search
from deskline.clients.flags import company_flags_for
from deskline.clients.selectors import is_registry_staff
from deskline.clients.services.contacts import contact_create
from deskline.core.errors import DomainError
from deskline.core.roles import REGISTRY_WRITER_ROLES
from deskline.desk.custom_inputs import custom_inputs, custom_values_from_form, posted_values
from deskline.desk.selectors import intake_registry_for
from deskline.desk.web import attach_files, staff_page
from deskline.routing.rules import routing_dry_run
from deskline.sla.selectors import sla_preview
from deskline.tickets import config_cache
from deskline.tickets.conversation import comment_add
from deskline.tickets.models import Channel, Priority, TicketType
from deskline.tickets.selectors import custom_fields_of_type
from deskline.tickets.services import ticket_create
from deskline.triage.duplicates import similar_open_tickets

PICKED = ("company", "contact", "site", "equipment")
logger = logging.getLogger(__name__)


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
    call_pk = _int(source.get("call"))  # the call the card's "new ticket from this call" names
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
            after_call = f"&channel=phone&call={call_pk}" if call_pk else ""
            return HttpResponseRedirect(
                f"/tickets/new/?company={made.company_id or ''}&contact={made.pk}{after_call}"
            )
    elif join is not None:
        try:
            _join(user, join, request.POST.dict(), ids["contact"])
        except DomainError as exc:
            error = str(exc)
        else:
            _log_call(user, call_pk, join)
            return HttpResponseRedirect(f"/tickets/{join}/")
    elif request.method == "POST":
        try:
            ticket = _create(user, request, ids)
        except DomainError as exc:
            error = str(exc)
        else:
            for refused in attach_files(user, ticket.number, request.FILES.getlist("files"),
                                        is_public=True):  # fmt: skip
                messages.error(request, _("File not attached: %s") % refused)
            _log_call(user, call_pk, ticket.number)
            return HttpResponseRedirect(f"/tickets/{ticket.number}/")
    registry = intake_registry_for(
        user=user,
        company_id=ids["company"],
        contact_id=ids["contact"],
        equipment_id=ids["equipment"],
    )
    type_id = _int(source.get("type")) or config_cache.default_type().pk
    fields = custom_fields_of_type(type_id)
    typed = posted_values(request.POST, fields) if request.method == "POST" else {}
    context = {
        "nav": "new",
        "ids": ids,
        "call_id": call_pk,
        "company": registry.company,
        "company_flags": company_flags_for(viewer=user, company_ids=[ids["company"]]).get(
            ids["company"] or 0, []
        ),
        "contact": registry.contact,
        "equipment": registry.equipment,
        "company_equipment": registry.company_equipment,
        "open_tickets": registry.open_tickets,
        "closed_tickets": registry.closed_tickets,
        "type_id": type_id,
        "custom_inputs": custom_inputs(fields, typed, timezone.get_current_timezone()),
        "on_behalf": request.method != "POST" or "on_behalf" in request.POST,
        "internal_allowed": settings.DESKLINE_INTERNAL_TICKETS,
        "types": TicketType.objects.all(),
        "priorities": Priority.objects.order_by("weight"),
        "channels": Channel.choices,
        "channel": source.get("channel") or Channel.PHONE,
        "form": source,
        "error": error,
        "may_add_contact": user.is_superuser or user.role in REGISTRY_WRITER_ROLES,
    }
    return render(request, "desk/ticket_new.html", context, status=400 if error else 200)


def _create(user: User, request: HttpRequest, ids: dict[str, int | None]) -> Any:
    post = request.POST
    type_id = _int(post.get("type"))
    fields = custom_fields_of_type(type_id or config_cache.default_type().pk)
    return ticket_create(
        actor=user,
        title=post.get("title", ""),
        description=post.get("description", ""),
        channel=post.get("channel") or Channel.PHONE,
        type_id=type_id,
        priority_id=_int(post.get("priority")),
        company_id=ids["company"],
        contact_id=ids["contact"],
        site_id=ids["site"],
        equipment_id=ids["equipment"],
        custom_fields={
            code: value
            for code, value in custom_values_from_form(
                post, fields, timezone.get_current_timezone()
            ).items()
            if value is not None
        },
        on_behalf_of_contact=ids["contact"] is not None and "on_behalf" in post,
    )


@staff_page
def intake_fields(request: HttpRequest) -> HttpResponse:
    """The custom fields of the type picked on the intake form (htmx, as the type changes)."""
    user = request.user
    assert isinstance(user, User)
    if not is_registry_staff(user):
        return HttpResponseForbidden()
    fields = custom_fields_of_type(_int(request.GET.get("type")))
    return render(request, "desk/_custom_fields.html", {"custom_inputs": custom_inputs(fields, {})})


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


def _log_call(user: User, call_pk: int | None, number: int) -> None:
    """The phone call this ticket was taken from is logged on it (duration, recording)."""
    if call_pk is None:
        return
    try:
        call_log_ticket(actor=user, call_pk=call_pk, number=number)
    except DomainError as exc:  # the ticket stands; the call simply stays unlogged
        logger.warning("call %s not logged on #%s: %s", call_pk, number, exc.message)


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


@staff_page
def intake_preview(request: HttpRequest) -> HttpResponse:
    """Which deadlines (SLA) and, for admins, which routing the form's fields would get, and
    the caller's open tickets the text resembles (a probable duplicate, before saving)."""
    user = request.user
    assert isinstance(user, User)
    if not is_registry_staff(user):
        return HttpResponseForbidden()
    data = request.POST
    facts: dict[str, Any] = {f"{k}_id": v for k, v in _ids(data.dict()).items()}
    facts["type_id"] = _int(data.get("type"))
    facts["priority_id"] = _int(data.get("priority"))
    context: dict[str, Any] = {
        "sla": None,
        "routing": None,
        "similar": similar_open_tickets(user=user, contact_id=facts["contact_id"],
                                        title=data.get("title", ""),
                                        description=data.get("description", "")),
    }  # fmt: skip
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
