"""The ticket list: saved views as tabs, personal saved filters, filters, keyset paging,
polling and bulk actions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deskline.accounts.models import User
from deskline.clients.flags import company_flags_for
from deskline.core.errors import DomainError, NotFound, ValidationFailed
from deskline.desk.filtering import (
    REGISTRY_PARAMS,
    VIEW_LABELS,
    FilterParams,
    clean_params,
    more_filters_set,
    to_filters,
    to_query,
)
from deskline.desk.list_options import list_form_options
from deskline.desk.models import SavedFilter
from deskline.desk.rows import ROW_COLUMNS, attach_row_cells, desk_rows, rows_html
from deskline.desk.selectors import registry_names_for, saved_filter_get_for, saved_filters_for
from deskline.desk.web import field_errors, is_htmx, staff_page
from deskline.tickets.saved_views import ticket_rows_in_view, view_counts_cached
from deskline.tickets.services import (
    ticket_assign,
    ticket_change_status,
    ticket_merge,
    ticket_update,
)
from deskline.triage.marks import ticket_marks

PAGE_SIZE = 50


def _ints(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.strip().isdigit()]


def _list_params(request: HttpRequest, user: User) -> tuple[FilterParams, SavedFilter | None]:
    """The filters in the query string, or those of the saved filter it names (`?saved=`)."""
    saved_id = request.GET.get("saved", "")
    if not saved_id.isdigit():
        return clean_params(request.GET), None
    try:
        saved = saved_filter_get_for(user=user, filter_id=int(saved_id))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return clean_params(saved.params), saved


@staff_page
def ticket_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    params, saved = _list_params(request, user)
    filters = to_filters(params)
    try:
        page = ticket_rows_in_view(
            user=user,
            view=params["view"],
            filters=filters,
            columns=ROW_COLUMNS,
            sort=params["sort"],
            cursor=request.GET.get("cursor", ""),
            limit=PAGE_SIZE,
        )
    except ValidationFailed as exc:
        messages.error(request, _("The list could not be shown: %s") % field_errors(exc.fields))
        return HttpResponseRedirect("/")
    rows = desk_rows(page.items)
    attach_row_cells(rows)
    flags = company_flags_for(viewer=user, company_ids={t.company_id for t in rows})
    marks = ticket_marks(t.pk for t in rows)  # tone and duplicate badges, one query
    context: dict[str, Any] = {
        "page": page,
        "rows": rows_html(rows, marks=marks, company_flags=flags),
        "view": params["view"],
        "sort": params["sort"],
    }
    fragment = request.GET.get("fragment", "")
    if fragment and is_htmx(request):
        return render(request, "desk/_ticket_rows.html", context)
    counts = {c.view: c for c in view_counts_cached(user=user)}
    context |= {
        "tabs": [(key, label, counts.get(key)) for key, label in VIEW_LABELS.items()],
        "saved_filters": saved_filters_for(user=user),
        "saved": saved,
        "current_query": urlencode(to_query(params)),
        "options": list_form_options(params),
        "params": params,
        "more_open": more_filters_set(params),
        "names": registry_names_for(
            user=user, ids={kind: params[kind][:1] for kind in REGISTRY_PARAMS}
        ),
        "q": filters.text,
    }
    return render(request, "desk/ticket_list.html", context)


def _bulk_one(action: str, request: HttpRequest, user: User) -> Callable[[int], Any]:
    post = request.POST

    def optional_int(name: str) -> int | None:
        value = post.get(name, "")
        return int(value) if value.isdigit() else None

    if action == "assign":
        team_id, assignee_id = optional_int("team"), optional_int("assignee")
        return lambda number: ticket_assign(
            actor=user, number=number, team_id=team_id, assignee_id=assignee_id
        )
    if action == "status":
        status_id = optional_int("status")
        if status_id is None:
            raise ValidationFailed("choose a status", fields={"status": _("choose a status")})
        return lambda number: ticket_change_status(
            actor=user, number=number, status_id=status_id, comment=post.get("comment", "")
        )
    if action == "priority":
        priority_id = optional_int("priority")
        if priority_id is None:
            raise ValidationFailed("choose a priority", fields={"priority": _("choose one")})
        return lambda number: ticket_update(
            actor=user, number=number, changes={"priority_id": priority_id}
        )
    if action == "merge":
        into = optional_int("into")
        if into is None:
            raise ValidationFailed("enter a ticket number", fields={"into": _("enter a number")})
        return lambda number: ticket_merge(actor=user, number=number, into_number=into)
    raise ValidationFailed("unknown action", fields={"action": _("unknown action")})


@require_POST
@staff_page
def ticket_bulk(request: HttpRequest) -> HttpResponse:
    """Apply one action to many tickets through the services; report each failure."""
    user = request.user
    assert isinstance(user, User)
    back = request.POST.get("back", "/")
    if not back.startswith("/") or back.startswith("//"):
        back = "/"
    numbers = _ints(request.POST.getlist("numbers"))
    if not numbers:
        messages.warning(request, _("Select at least one ticket."))
        return HttpResponseRedirect(back)
    try:
        apply = _bulk_one(request.POST.get("action", ""), request, user)
    except ValidationFailed as exc:
        messages.error(request, field_errors(exc.fields))
        return HttpResponseRedirect(back)
    done = 0
    for number in numbers:
        try:
            apply(number)
            done += 1
        except DomainError as exc:
            detail = field_errors(exc.fields) or exc.message
            messages.error(request, _("#%(n)s: %(error)s") % {"n": number, "error": detail})
    if done:
        messages.success(request, _("%(n)s ticket(s) updated.") % {"n": done})
    return HttpResponseRedirect(back)
