"""Reply templates on the desk: insert one into a reply (htmx), manage one's own templates."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deskline.accounts.models import User
from deskline.core.errors import NotFound, ValidationFailed
from deskline.desk.selectors import ticket_for_reply
from deskline.desk.web import field_errors, staff_page
from deskline.knowledge.models import LANGUAGE_CHOICES
from deskline.knowledge.selectors import (
    personal_templates_for,
    reply_template_text_for,
    reply_templates_for,
)
from deskline.knowledge.services import (
    reply_template_create,
    reply_template_delete,
    reply_template_update,
)
from deskline.knowledge.variables import REPLY_VARIABLES


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@require_POST
@staff_page
def reply_template_insert(request: HttpRequest, number: int) -> HttpResponse:
    """The reply box with the chosen template, filled in for the ticket, after the draft."""
    user = _user(request)
    draft = request.POST.get("body", "")
    template_id = request.POST.get("template", "")
    body = draft
    if template_id.isdigit():
        try:
            ticket = ticket_for_reply(user=user, number=number)
            text = reply_template_text_for(user=user, template_id=int(template_id), ticket=ticket)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        body = f"{draft.rstrip()}\n\n{text}" if draft.strip() else text
    return render(request, "desk/_reply_body.html", {"reply_body": body})


_BACK = "/templates/"


@staff_page
def reply_templates_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context = {
        "shared": [t for t in reply_templates_for(user=user) if t.owner_id != user.pk],
        "personal": personal_templates_for(user=user),
        "languages": LANGUAGE_CHOICES,
        "variables": REPLY_VARIABLES,
        "nav": "templates",
    }
    return render(request, "desk/reply_templates.html", context)


def _saved(request: HttpRequest, save: Callable[..., object], **fields: object) -> HttpResponse:
    """Run a template save with the posted fields; a refusal becomes a message, not an error."""
    post = request.POST
    try:
        save(
            actor=_user(request),
            name=post.get("name", ""),
            body=post.get("body", ""),
            language=post.get("language", ""),
            **fields,
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ValidationFailed as exc:
        messages.error(request, _("Template not saved: %s") % field_errors(exc.fields))
        return HttpResponseRedirect(_BACK)
    messages.success(request, _("Template saved."))
    return HttpResponseRedirect(_BACK)


@require_POST
@staff_page
def reply_template_new(request: HttpRequest) -> HttpResponse:
    return _saved(request, reply_template_create)


@require_POST
@staff_page
def reply_template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    is_active = request.POST.get("is_active") == "on"
    return _saved(request, reply_template_update, template_id=pk, is_active=is_active)


@require_POST
@staff_page
def reply_template_remove(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        reply_template_delete(actor=_user(request), template_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("Template deleted."))
    return HttpResponseRedirect(_BACK)
