"""The client portal: a contact's tickets, a new ticket, comments, confirm/reopen and rating."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deskline.accounts.models import User
from deskline.clients.selectors import equipment_list_for, site_list_for
from deskline.core.errors import DomainError, NotFound
from deskline.desk.choices import client_ticket_types, status_choices, transitions_from
from deskline.desk.timeline import build_timeline
from deskline.desk.web import attach_files, client_page, field_errors
from deskline.fieldwork.labels import scanned_label
from deskline.fieldwork.maintenance_selectors import company_upcoming
from deskline.fieldwork.visit_selectors import visits_for
from deskline.notifications.password_reset import ContactPasswordResetForm
from deskline.portal.forms import EmailAuthenticationForm, NewTicketForm
from deskline.tickets.models import Phase, StatusTransition, Ticket
from deskline.tickets.selectors import (
    TicketFilters,
    attachment_for,
    attachments_without_comment,
    client_summary_for,
    comments_of,
    history_of,
    ticket_detail_for,
    ticket_list_for,
)
from deskline.tickets.services import comment_add, ticket_change_status, ticket_create, ticket_rate

PAGE_SIZE = 30
#: The period the portal's summary looks back over.
SUMMARY_PERIOD = dt.timedelta(days=90)
LOW_RATING = 2
REGISTRY_LIMIT = 200
#: Planned maintenance shown on the portal's first page (soonest first).
MAINTENANCE_SHOWN = 5

portal_login = auth_views.LoginView.as_view(
    template_name="portal/login.html",
    authentication_form=EmailAuthenticationForm,
    redirect_authenticated_user=True,
    next_page="/portal/",
)
portal_logout = auth_views.LogoutView.as_view(next_page="/portal/login/")
password_reset = auth_views.PasswordResetView.as_view(
    form_class=ContactPasswordResetForm,
    template_name="portal/password_reset.html",
    email_template_name="portal/password_reset_email.txt",
    subject_template_name="portal/password_reset_subject.txt",
    success_url=reverse_lazy("portal:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="portal/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="portal/password_reset_confirm.html",
    success_url=reverse_lazy("portal:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="portal/password_reset_complete.html"
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _error(exc: DomainError) -> str:
    return field_errors(exc.fields) or exc.message


@client_page
def ticket_list(request: HttpRequest) -> HttpResponse:
    page = ticket_list_for(
        user=_user(request),
        filters=TicketFilters(),
        sort="-updated",
        cursor=request.GET.get("cursor", ""),
        limit=PAGE_SIZE,
    )
    summary = client_summary_for(user=_user(request), since=timezone.now() - SUMMARY_PERIOD)
    maintenance = company_upcoming(_user(request), today=timezone.localdate())[:MAINTENANCE_SHOWN]
    return render(request, "portal/ticket_list.html",
                  {"page": page, "summary": summary, "maintenance": maintenance})  # fmt: skip


def _new_ticket_form(request: HttpRequest, user: User) -> NewTicketForm:
    sites = site_list_for(user, limit=REGISTRY_LIMIT).items
    equipment = equipment_list_for(user, limit=REGISTRY_LIMIT).items
    scanned = scanned_label(user, equipment_id=request.GET.get("equipment", ""),
                            site_id=request.GET.get("site", ""))  # fmt: skip
    if scanned.refused and request.method == "GET":
        messages.warning(request, _("This label's equipment is not registered to your company."))
    # A scanned item is offered even beyond the first page of the company's registry.
    sites += [s for s in scanned.sites if s not in sites]
    equipment += [e for e in scanned.equipment if e not in equipment]
    form = NewTicketForm(request.POST if request.method == "POST" else None,
                         types=client_ticket_types(), sites=sites, equipment=equipment)  # fmt: skip
    form.initial.update(scanned.initial)
    return form


def ticket_new_or_equipment(request: HttpRequest) -> HttpResponseBase:
    """A scanned equipment label: a client gets the new-ticket form with the item filled in; an
    engineer (or any staff member) gets the item's card with its history instead."""
    user = request.user
    equipment = request.GET.get("equipment", "")
    if user.is_authenticated and not getattr(user, "is_client", True) and equipment.isdigit():
        return HttpResponseRedirect(f"/equipment/{int(equipment)}/")
    return ticket_new(request)


@client_page
def ticket_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = _new_ticket_form(request, user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = ticket_create(
                actor=user,
                title=data["title"],
                description=data["description"],
                channel="portal",
                type_id=data["type"].pk,
                site_id=data["site"].pk if data["site"] else None,
                equipment_id=data["equipment"].pk if data["equipment"] else None,
            )
        except DomainError as exc:
            form.add_error(None, _error(exc))
        else:
            for error in attach_files(user, ticket.number, request.FILES.getlist("files")):
                messages.error(request, _("File not attached: %s") % error)
            return HttpResponseRedirect(f"/portal/tickets/{ticket.number}/?created=1")
    return render(request, "portal/ticket_new.html", {"form": form})


def _client_transitions(ticket: Ticket) -> dict[str, StatusTransition | None]:
    allowed = transitions_from(ticket.status_id, clients_only=True)
    closing = [t for t in allowed if t.to_status.phase in (Phase.CLOSED, Phase.RESOLVED)]
    reopening = [t for t in allowed if t.to_status.phase in (Phase.NEW, Phase.OPEN)]
    return {
        "confirm": closing[0] if closing else None,
        "reopen": reopening[0] if reopening else None,
    }


def render_ticket(
    request: HttpRequest, number: int, *, status: int = 200, **extra: Any
) -> HttpResponse:
    user = _user(request)
    try:
        ticket = ticket_detail_for(user=user, number=number)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    comments = comments_of(user=user, ticket=ticket)
    timeline = build_timeline(comments, history_of(user=user, ticket=ticket), status_choices())
    context = {
        "ticket": ticket,
        "timeline": timeline,
        "created": request.GET.get("created") == "1",
        "files": attachments_without_comment(user=user, ticket=ticket),
        "visits": visits_for(user=user, number=ticket.number),
        "low_rating": request.GET.get("low") == "1",
        **_client_transitions(ticket),
        **extra,
    }
    return render(request, "portal/ticket.html", context, status=status)


@client_page
def ticket_page(request: HttpRequest, number: int) -> HttpResponse:
    return render_ticket(request, number)


def _back(number: int, query: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(f"/portal/tickets/{number}/{query}")


@require_POST
@client_page
def ticket_comment(request: HttpRequest, number: int) -> HttpResponse:
    user = _user(request)
    body = request.POST.get("body", "")
    try:
        comment = comment_add(actor=user, number=number, body=body, channel="portal")
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except DomainError as exc:
        messages.error(request, _("Not sent: %s") % _error(exc))
        return render_ticket(request, number, status=422, comment_body=body)
    files = request.FILES.getlist("files")
    for error in attach_files(user, number, files, comment_id=comment.pk):
        messages.error(request, _("File not attached: %s") % error)
    messages.success(request, _("Your comment was added."))
    return _back(number)


def _move(request: HttpRequest, number: int, which: str) -> HttpResponse:
    user = _user(request)
    try:
        ticket = ticket_detail_for(user=user, number=number)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    transition = _client_transitions(ticket)[which]
    if transition is None:
        messages.error(request, _("This change is not possible now."))
        return _back(number)
    comment = request.POST.get("comment", "")
    try:
        ticket_change_status(
            actor=user, number=number, status_id=transition.to_status_id, comment=comment
        )
    except DomainError as exc:
        messages.error(request, _("Not changed: %s") % _error(exc))
        return render_ticket(request, number, status=422, reopen_comment=comment)
    if which == "confirm":
        messages.success(request, _("Thank you! The ticket is closed."))
    else:
        messages.success(request, _("The ticket was reopened."))
    return _back(number)


@require_POST
@client_page
def ticket_confirm(request: HttpRequest, number: int) -> HttpResponse:
    return _move(request, number, "confirm")


@require_POST
@client_page
def ticket_reopen(request: HttpRequest, number: int) -> HttpResponse:
    return _move(request, number, "reopen")


@require_POST
@client_page
def ticket_rate_view(request: HttpRequest, number: int) -> HttpResponse:
    value = request.POST.get("rating", "")
    try:
        ticket_rate(
            actor=_user(request),
            number=number,
            rating=int(value) if value.isdigit() else 0,
            comment=request.POST.get("comment", ""),
        )
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except DomainError as exc:
        messages.error(request, _("Not rated: %s") % _error(exc))
        return _back(number)
    messages.success(request, _("Thank you for your rating."))
    low = value.isdigit() and int(value) <= LOW_RATING
    return _back(number, "?low=1" if low else "")


@client_page
def ticket_file(request: HttpRequest, number: int, attachment_id: int) -> FileResponse:
    try:
        attachment = attachment_for(user=_user(request), number=number, attachment_id=attachment_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.filename
    )
