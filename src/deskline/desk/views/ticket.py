"""The ticket page and its actions: inline edit, reply, status, assignment, links, merge."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deskline.accounts.models import User
from deskline.clients.flags import company_flags_for
from deskline.clients.selectors import coverage_for
from deskline.core.errors import Conflict, DomainError, NotFound
from deskline.core.html import has_remote_images
from deskline.desk.choices import load_choices, transitions_from
from deskline.desk.custom_inputs import custom_inputs, custom_values_from_form
from deskline.desk.ticket_html import pickers, registry_combos, timeline_html
from deskline.desk.timeline import build_timeline
from deskline.desk.web import attach_files, field_errors, staff_page
from deskline.fieldwork.selectors import checklist_templates, ticket_work_of
from deskline.knowledge.selectors import reply_templates_for
from deskline.tickets.access import ticket_get_visible
from deskline.tickets.models import Ticket
from deskline.tickets.required_fields import required_fields_missing
from deskline.tickets.selectors import (
    attachment_for,
    conversation_of,
    custom_fields_of_type,
    history_of,
    ticket_page_for,
)
from deskline.tickets.services import (
    comment_add,
    ticket_assign,
    ticket_change_status,
    ticket_link,
    ticket_merge,
    ticket_update,
)

CARD_TICKETS = 3
#: The registry boxes of the edit form and the ticket fields they set.
REGISTRY_INPUTS = {
    "company": "company_id",
    "contact": "contact_id",
    "site": "site_id",
    "equipment": "equipment_id",
    "contract": "contract_id",
}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _error(exc: DomainError) -> str:
    return field_errors(exc.fields) or exc.message


def _optional_int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _cards(ticket: Ticket, recent: dict[str, list[Ticket]]) -> list[dict[str, Any]]:
    """The company, contact, site and equipment with their other recent tickets."""
    cards = []
    for kind, row, url in (
        ("company", ticket.company, "companies"),
        ("contact", ticket.contact, "contacts"),
        ("site", ticket.site, "sites"),
        ("equipment", ticket.equipment, "equipment"),
    ):
        if row is not None:
            cards.append(
                {"kind": kind, "row": row, "url": f"/{url}/{row.pk}/", "tickets": recent[kind]}
            )
    return cards


def render_ticket(
    request: HttpRequest, number: int, *, status: int = 200, **extra: Any
) -> HttpResponse:
    user = _user(request)
    try:
        page = ticket_page_for(user=user, number=number, card_limit=CARD_TICKETS)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    ticket, around = page.ticket, page.around
    choices = load_choices()
    conversation = conversation_of(user=user, ticket=ticket)
    comments = conversation.comments
    show_images = request.GET.get("images") == "show"
    timeline = build_timeline(comments, history_of(user=user, ticket=ticket), choices, staff=True)
    images = "show" if show_images else ""
    picker = pickers()
    observer_ids = {u.pk for u in page.observers}
    context = {
        "ticket": ticket,
        "timeline_html": timeline_html(timeline, number=ticket.number, images=images),
        "priority_options": picker.priorities.html({ticket.priority_id}),
        "type_options": picker.types.html({ticket.type_id}),
        "category_options": picker.categories.html({ticket.category_id}),
        "observer_options": picker.observers.html(observer_ids),
        "team_options": picker.teams.html({ticket.team_id}),
        "agent_options": picker.agents.html({ticket.assignee_id}),
        "combos": registry_combos(ticket),
        "transitions": transitions_from(ticket.status_id),
        "links": around.links,
        "files": conversation.files,
        "missing_fields": required_fields_missing(ticket),
        "images": images,
        "remote_images_blocked": not show_images
        and any(
            has_remote_images(body) for body in (ticket.description, *(c.body for c in comments))
        ),
        "cards": _cards(ticket, around.recent),
        "company_flags": company_flags_for(viewer=user, company_ids=[ticket.company_id]).get(
            ticket.company_id or 0, []
        ),
        "custom_inputs": custom_inputs(
            custom_fields_of_type(ticket.type_id),
            ticket.custom_fields,
            timezone.get_current_timezone(),
        ),
        "observers": page.observers,
        # The contract menu lives in the folded edit form: it is read when the agent unfolds
        # it (`ticket_coverage`, by htmx), unless the form comes back open.
        "coverage": coverage_for(
            user,
            company_id=ticket.company_id,
            site_id=ticket.site_id,
            equipment_id=ticket.equipment_id,
            contract_id=ticket.contract_id,
            day=timezone.localdate(),
        )
        if "conflict" in extra or "attempted" in extra
        else None,
        "coverage_url": f"/tickets/{number}/coverage/",
        "reply_templates": reply_templates_for(
            user=user, language=ticket.contact.language if ticket.contact else None
        ),
        "work": ticket_work_of(user=user, ticket=ticket),
        "checklist_templates": checklist_templates(),
        **extra,
    }
    response = render(request, "desk/ticket.html", context, status=status)
    if show_images:  # this answer only: the agent asked to see this ticket's remote images
        response._csp_update = {"img-src": ["https:", "http:"]}  # type: ignore[attr-defined]
    return response


@staff_page
def ticket_page(request: HttpRequest, number: int) -> HttpResponse:
    return render_ticket(request, number)


def _back(number: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"/tickets/{number}/")


@require_POST
@staff_page
def ticket_edit(request: HttpRequest, number: int) -> HttpResponse:
    post = request.POST
    changes: dict[str, Any] = {"title": post.get("title", "")}
    for field in ("priority_id", "type_id", "category_id"):
        if field in post:
            changes[field] = _optional_int(post.get(field))
    for name, field in REGISTRY_INPUTS.items():
        if name in post:
            changes[field] = _optional_int(post.get(name))
    if "observers_shown" in post:
        changes["observer_ids"] = [int(v) for v in post.getlist("observers") if v.isdigit()]
    if "cf_shown" in post and changes.get("type_id"):
        fields = custom_fields_of_type(changes["type_id"])
        values = custom_values_from_form(post, fields, timezone.get_current_timezone())
        if values:
            changes["custom_fields"] = values
    try:
        ticket_update(
            actor=_user(request),
            number=number,
            changes=changes,
            version=_optional_int(post.get("version")),
        )
    except Conflict as exc:
        # Never overwrite: show what the ticket holds now next to what this agent typed.
        return render_ticket(request, number, status=409, conflict=exc.current, attempted=changes)
    except DomainError as exc:
        messages.error(request, _("Not saved: %s") % _error(exc))
        return render_ticket(request, number, status=422, attempted=changes)
    messages.success(request, _("Ticket saved."))
    return _back(number)


@require_POST
@staff_page
def ticket_coverage(request: HttpRequest, number: int) -> HttpResponse:
    """The contract menu and coverage badge for the registry fields the edit form holds now.

    A change of company, site or equipment (`auto`) goes back to the automatic contract, as
    saving would; a change of the contract menu keeps the picked contract.
    """
    post = request.POST
    ids = {field: _optional_int(post.get(name)) for name, field in REGISTRY_INPUTS.items()}
    user = _user(request)
    try:
        ticket_get_visible(user, number)
        coverage = coverage_for(
            user,
            company_id=ids["company_id"],
            site_id=ids["site_id"],
            equipment_id=ids["equipment_id"],
            contract_id=None if post.get("auto") else ids["contract_id"],
            day=timezone.localdate(),
        )
    except DomainError as exc:
        raise Http404(exc.message) from exc
    context = {"coverage": coverage, "coverage_url": f"/tickets/{number}/coverage/"}
    return render(request, "desk/_coverage.html", context)


@require_POST
@staff_page
def ticket_reply(request: HttpRequest, number: int) -> HttpResponse:
    user = _user(request)
    body = request.POST.get("body", "")
    is_public = request.POST.get("visibility", "public") == "public"
    files = request.FILES.getlist("files")
    try:
        comment = comment_add(
            actor=user, number=number, body=body, is_public=is_public, channel="desk"
        )
    except DomainError as exc:
        messages.error(request, _("Not sent: %s") % _error(exc))
        return render_ticket(request, number, status=422, reply_body=body)
    for error in attach_files(user, number, files, is_public=is_public, comment_id=comment.pk):
        messages.error(request, _("File not attached: %s") % error)
    messages.success(request, _("Reply sent.") if is_public else _("Internal note added."))
    return _back(number)


@require_POST
@staff_page
def ticket_status(request: HttpRequest, number: int) -> HttpResponse:
    post = request.POST
    status_id = _optional_int(post.get("status_id"))
    comment = post.get("comment", "")
    if status_id is None:
        messages.error(request, _("Choose a status."))
        return _back(number)
    try:
        ticket_change_status(
            actor=_user(request),
            number=number,
            status_id=status_id,
            comment=comment,
            comment_is_public=post.get("visibility") == "public",
            version=_optional_int(post.get("version")),
        )
    except Conflict:
        messages.error(request, _("The ticket was changed by someone else. Check and retry."))
        return _back(number)
    except DomainError as exc:
        messages.error(request, _("Status not changed: %s") % _error(exc))
        return render_ticket(request, number, status=422, status_comment=comment)
    messages.success(request, _("Status changed."))
    return _back(number)


@require_POST
@staff_page
def ticket_assign_view(request: HttpRequest, number: int) -> HttpResponse:
    post = request.POST
    try:
        ticket_assign(
            actor=_user(request),
            number=number,
            team_id=_optional_int(post.get("team")),
            assignee_id=_optional_int(post.get("assignee")),
            version=_optional_int(post.get("version")),
        )
    except Conflict:
        messages.error(request, _("The ticket was changed by someone else. Check and retry."))
        return _back(number)
    except DomainError as exc:
        messages.error(request, _("Not assigned: %s") % _error(exc))
        return _back(number)
    messages.success(request, _("Assignment saved."))
    return _back(number)


@require_POST
@staff_page
def ticket_link_view(request: HttpRequest, number: int) -> HttpResponse:
    other = _optional_int(request.POST.get("other_number", "").lstrip("#"))
    if other is None:
        messages.error(request, _("Enter a ticket number."))
        return _back(number)
    try:
        ticket_link(
            actor=_user(request),
            number=number,
            other_number=other,
            kind=request.POST.get("kind", "related"),
        )
    except DomainError as exc:
        messages.error(request, _("Not linked: %s") % _error(exc))
        return _back(number)
    messages.success(request, _("Tickets linked."))
    return _back(number)


@require_POST
@staff_page
def ticket_merge_view(request: HttpRequest, number: int) -> HttpResponse:
    into = _optional_int(request.POST.get("into_number", "").lstrip("#"))
    if into is None:
        messages.error(request, _("Enter a ticket number."))
        return _back(number)
    try:
        target = ticket_merge(actor=_user(request), number=number, into_number=into)
    except DomainError as exc:
        messages.error(request, _("Not merged: %s") % _error(exc))
        return _back(number)
    messages.success(request, _("Merged into #%s.") % target.number)
    return _back(target.number)


@staff_page
def ticket_file(request: HttpRequest, number: int, attachment_id: int) -> FileResponse:
    try:
        attachment = attachment_for(user=_user(request), number=number, attachment_id=attachment_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.filename
    )
