"""The "to call back" page: poor survey scores (the feedback app owns them) and, beside them,
the open callback tickets of missed phone calls (channels.phone opens those)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from deskline.accounts.models import User
from deskline.channels.phone_selectors import missed_call_callbacks
from deskline.core.errors import DomainError
from deskline.desk.web import staff_page
from deskline.feedback import services
from deskline.feedback.selectors import callbacks_for


@staff_page
def callback_list(request: HttpRequest) -> HttpResponse:
    """The team lead's "to call back" list: poor scores not yet called back."""
    user = request.user
    assert isinstance(user, User)
    rows = list(callbacks_for(user))
    missed = missed_call_callbacks(user)
    return render(request, "feedback/callbacks.html", {"callbacks": rows, "missed": missed})


@require_http_methods(["POST"])
@staff_page
def callback_mark_done(request: HttpRequest, callback_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    try:
        services.callback_done(actor=user, callback_id=callback_id)
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain")
    return HttpResponseRedirect("/feedback/callbacks/")
