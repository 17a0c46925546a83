"""Desk pages of triage: a ticket's triage panel (htmx), accepting or dismissing a suggestion,
and the admins' threshold page where each field's mode and threshold are set.

Each view adapts one service or selector.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deskline.accounts.models import User
from deskline.accounts.pages import staff_page
from deskline.core.errors import DomainError, NotFound
from deskline.core.permissions import is_admin
from deskline.triage import answers, incidents, pages, services
from deskline.triage.fields import NAMES
from deskline.triage.models import Mode


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@staff_page
def ticket_panel(request: HttpRequest, number: int) -> HttpResponse:
    """The ticket page's triage card: suggestions to accept with one click, applied values."""
    try:
        context = pages.ticket_predictions(user=_user(request), number=number)
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "triage/_panel.html", context)


@require_POST
@staff_page
def prediction_action(request: HttpRequest, number: int, field: str, action: str) -> HttpResponse:
    """Accept or dismiss a suggestion, then back to the ticket."""
    act = {"accept": services.prediction_accept, "dismiss": services.prediction_dismiss}.get(action)
    if act is None or field not in NAMES:
        raise Http404
    try:
        act(actor=_user(request), number=number, field=field)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if action == "accept":
            messages.success(request, _("Suggestion accepted."))
    return HttpResponseRedirect(f"/tickets/{number}/")


def _save_settings(request: HttpRequest) -> None:
    field = request.POST.get("field", "")
    try:
        threshold = float((request.POST.get("threshold") or "").replace(",", "."))
    except ValueError:
        threshold = -1.0  # refused by the service with its message
    try:
        services.field_setting_save(actor=_user(request), field=field,
                                    mode=request.POST.get("mode", ""), threshold=threshold)  # fmt: skip
    except DomainError as exc:
        messages.error(
            request, "; ".join(f"{k}: {v}" for k, v in exc.fields.items()) or exc.message
        )
    else:
        messages.success(request, _("Triage setting saved."))


@staff_page
def threshold_page(request: HttpRequest) -> HttpResponse:
    """Per field: the mode, the threshold, and what each threshold would give on held-out history."""
    user = _user(request)
    if not is_admin(user):
        return HttpResponseForbidden()
    if request.method == "POST":
        _save_settings(request)
        return HttpResponseRedirect("/triage/")
    overview = pages.threshold_overview(user=user)
    context = {"overview": overview, "modes": Mode.choices, "nav": "triage"}
    return render(request, "triage/thresholds.html", context)


@require_POST
@staff_page
def mass_incident_action(request: HttpRequest, incident_id: int, action: str) -> HttpResponse:
    """Accept (make the parent and link the children) or dismiss a proposed mass incident."""
    user = _user(request)
    try:
        if action == "accept":
            parent = incidents.mass_incident_accept(actor=user, incident_id=incident_id)
            messages.success(request, _("Mass incident created; the tickets are linked to it."))
            return HttpResponseRedirect(f"/tickets/{parent.number}/")
        if action != "dismiss":
            raise Http404
        incidents.mass_incident_dismiss(actor=user, incident_id=incident_id)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(request.headers.get("referer") or "/")


@require_POST
@staff_page
def answer_insert(request: HttpRequest, number: int, comment_id: int) -> HttpResponse:
    """The reply box with a suggested answer after the draft (htmx, like a reply template)."""
    draft = request.POST.get("body", "")
    try:
        text = answers.answer_text(user=_user(request), number=number, comment_id=comment_id)
    except NotFound as exc:
        raise Http404 from exc
    body = f"{draft.rstrip()}\n\n{text}" if draft.strip() else text
    return render(request, "desk/_reply_body.html", {"reply_body": body})
