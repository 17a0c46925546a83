"""The ticket page's work panel: checklists (add from a template, tick a step with its number,
choice or photo), visits (plan one, cancel one) and time (log minutes, the stopwatch)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deskline.accounts.models import User
from deskline.core.errors import DomainError, ValidationFailed, field_errors
from deskline.desk.web import staff_page
from deskline.fieldwork import services, visits
from deskline.tickets.services import attachment_add


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _back(number: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"/tickets/{number}/#work")


def _failed(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, _("Not saved: %s") % (field_errors(exc.fields) or exc.message))


@require_POST
@staff_page
def checklist_add(request: HttpRequest, number: int) -> HttpResponse:
    raw = request.POST.get("template_id", "")
    try:
        services.checklist_add(actor=_user(request), number=number,
                               template_id=int(raw) if raw.isdigit() else 0)  # fmt: skip
    except DomainError as exc:
        _failed(request, exc)
    return _back(number)


@require_POST
@staff_page
def step_tick(request: HttpRequest, number: int, step_id: int) -> HttpResponse:
    user = _user(request)
    photo = request.FILES.get("photo")
    try:
        attachment_id = None
        if photo is not None:
            attachment_id = attachment_add(actor=user, number=number, filename=photo.name or "photo",
                                           content=photo, size=photo.size or 0,
                                           is_public=False).pk  # fmt: skip
        services.checklist_tick(actor=user, number=number, item_id=step_id,
                                done=request.POST.get("done", "1") == "1",
                                value=request.POST.get("value", ""),
                                attachment_id=attachment_id)  # fmt: skip
    except DomainError as exc:
        _failed(request, exc)
    return _back(number)


@require_POST
@staff_page
def time_add(request: HttpRequest, number: int) -> HttpResponse:
    post = request.POST
    try:
        services.time_entry_add(actor=_user(request), number=number, minutes=post.get("minutes"),
                                kind=post.get("kind", "remote"), billable="billable" in post,
                                comment=post.get("comment", ""))  # fmt: skip
    except DomainError as exc:
        _failed(request, exc)
    else:
        messages.success(request, _("Time logged."))
    return _back(number)


@require_POST
@staff_page
def stopwatch(request: HttpRequest, number: int) -> HttpResponse:
    user = _user(request)
    try:
        if request.POST.get("action") == "stop":
            entry = services.stopwatch_stop(actor=user, comment=request.POST.get("comment", ""))
            messages.success(request, _("Stopped: %s min logged.") % entry.minutes)
            return _back(entry.ticket.number)
        services.stopwatch_start(actor=user, number=number,
                                 kind=request.POST.get("kind", "remote"))  # fmt: skip
    except DomainError as exc:
        _failed(request, exc)
    return _back(number)


@require_POST
@staff_page
def visit_add(request: HttpRequest, number: int) -> HttpResponse:
    """Plan a visit from the ticket page: an engineer, a local start and a length in minutes."""
    post = request.POST
    start = parse_datetime(post.get("start", ""))
    minutes = post.get("minutes", "60")
    try:
        if start is None or not minutes.isdigit():
            raise ValidationFailed("give a start and minutes", fields={"start": "required"})
        start = timezone.make_aware(start) if timezone.is_naive(start) else start
        visits.visit_plan(actor=_user(request), number=number,
                          engineer_ids=[int(post.get("engineer", "0") or 0)], start=start,
                          end=start + dt.timedelta(minutes=int(minutes)),
                          force=post.get("force") == "1")  # fmt: skip
    except DomainError as exc:
        _failed(request, exc)
    else:
        messages.success(request, _("Visit planned."))
    return HttpResponseRedirect(f"/tickets/{number}/#visits")


@require_POST
@staff_page
def visit_cancel(request: HttpRequest, number: int, visit_id: int) -> HttpResponse:
    try:
        visits.visit_progress(actor=_user(request), visit_id=visit_id, status="cancelled")
    except DomainError as exc:
        _failed(request, exc)
    return HttpResponseRedirect(f"/tickets/{number}/#visits")
