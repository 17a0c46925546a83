"""An agent's saved filters of the ticket list: save the current filters, rename, delete."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deskline.accounts.models import User
from deskline.core.errors import NotFound, ValidationFailed
from deskline.desk.services import saved_filter_create, saved_filter_delete, saved_filter_rename
from deskline.desk.web import field_errors, staff_page


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _opened(filter_id: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"/?saved={filter_id}")


@require_POST
@staff_page
def saved_filter_save(request: HttpRequest) -> HttpResponse:
    """Save the list's current query string (`query`) under `name`."""
    query = request.POST.get("query", "")
    try:
        row = saved_filter_create(
            actor=_user(request), name=request.POST.get("name", ""), params=QueryDict(query)
        )
    except ValidationFailed as exc:
        messages.error(request, _("Filter not saved: %s") % field_errors(exc.fields))
        return HttpResponseRedirect(f"/?{query}")
    messages.success(request, _("Filter “%s” saved.") % row.name)
    return _opened(row.pk)


@require_POST
@staff_page
def saved_filter_rename_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = saved_filter_rename(
            actor=_user(request), filter_id=pk, name=request.POST.get("name", "")
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ValidationFailed as exc:
        messages.error(request, _("Filter not renamed: %s") % field_errors(exc.fields))
        return _opened(pk)
    messages.success(request, _("Filter renamed to “%s”.") % row.name)
    return _opened(row.pk)


@require_POST
@staff_page
def saved_filter_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        saved_filter_delete(actor=_user(request), filter_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("Filter deleted."))
    return HttpResponseRedirect("/")
