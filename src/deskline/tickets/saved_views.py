"""Saved views of the ticket lists (mine, my teams, overdue, angry clients, ...) and their
capped counts.

A saved view is a condition on top of the user's visible tickets and the list filters; the
paging is the same keyset paging as `ticket_list_for`, so a deep page costs what the first does.
Counts are capped (at `COUNT_CAP`) so that they stay cheap however many tickets there are,
and the pages read them through `view_counts_cached`: each user's counts are kept in the cache
for `DESKLINE_VIEW_COUNT_SECONDS` (30 s by default), so a page costs no counting query in
between. A cached count is exact as of the moment it was counted and is never shown once that
moment is older than the staleness: new and closed tickets, and deadlines passing (overdue,
at risk), all show within that time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils import timezone

from deskline.accounts.models import User
from deskline.core.errors import ValidationFailed
from deskline.tickets.access import tickets_visible_to
from deskline.tickets.conditions import condition
from deskline.tickets.models import OPEN_PHASES, Ticket
from deskline.tickets.selectors import (
    Page,
    TicketFilters,
    apply_filters,
    keyset_page,
)

COUNT_CAP = 1000


def _team_ids(user: User) -> list[int]:
    # Literal ids, as the visibility filter uses: they let PostgreSQL use the team indexes.
    return list(user.teams.values_list("id", flat=True))


def _open() -> Q:
    # Written as literals: SQLite then walks the partial index of open tickets in list order.
    return Q(phase__in_literal=[str(p) for p in OPEN_PHASES])


VIEWS: dict[str, Callable[[User, dt.datetime], Q]] = {
    "mine": lambda user, now: _open() & Q(assignee_id=user.pk),
    "teams": lambda user, now: _open() & Q(team_id__in=_team_ids(user)),
    "unassigned": lambda user, now: _open() & Q(assignee__isnull=True),
    "overdue": lambda user, now: condition("overdue", now),
    "at_risk": lambda user, now: condition("at_risk", now),
    # Triage defines "angry": the client's latest inbound message was scored angry.
    "angry": lambda user, now: _open() & condition("angry", now),
    "waiting": lambda user, now: Q(phase="waiting"),
    "open": lambda user, now: _open(),
    "all": lambda user, now: Q(),
}
VIEW_NAMES = tuple(VIEWS)


def view_condition(user: User, view: str, now: dt.datetime | None = None) -> Q:
    if view not in VIEWS:
        raise ValidationFailed(f"unknown view: {view}", fields={"view": "unknown view"})
    return VIEWS[view](user, now or timezone.now())


def _in_view(user: User, view: str, filters: TicketFilters) -> QuerySet[Ticket]:
    return apply_filters(tickets_visible_to(user), filters).filter(view_condition(user, view))


def ticket_list_in_view(
    *,
    user: User,
    view: str,
    filters: TicketFilters,
    sort: str = "-updated",
    cursor: str = "",
    limit: int = 50,
) -> Page:
    """One keyset page of a saved view, narrowed by the list filters."""
    in_view = tickets_visible_to(user).filter(view_condition(user, view))
    return keyset_page(in_view, filters, sort=sort, cursor=cursor, limit=limit)


@dataclass(frozen=True)
class ViewCount:
    view: str
    count: int
    capped: bool


def view_counts(
    *, user: User, views: tuple[str, ...] = VIEW_NAMES, now: dt.datetime | None = None
) -> list[ViewCount]:
    """How many tickets each view holds, counting at most COUNT_CAP + 1 rows per view."""
    if not views:
        return []
    now = now or timezone.now()
    visible = tickets_visible_to(user).order_by()
    # One round trip: SELECT (SELECT COUNT(*) FROM (<view 1> LIMIT cap+1)), (...), ...; each
    # count stops after COUNT_CAP + 1 rows.
    parts: list[str] = []
    params: list[Any] = []
    for i, view in enumerate(views):
        sliced = visible.filter(view_condition(user, view, now)).values("pk")[: COUNT_CAP + 1]
        try:
            sql, view_params = sliced.query.sql_with_params()
        except EmptyResultSet:  # a condition that can match nothing (e.g. no teams)
            parts.append("0")
            continue
        # The SQL comes from the ORM's compiler; its values stay parameters.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS view_{i})")  # noqa: S608
        params.extend(view_params)
    with connections[visible.db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        numbers = cursor.fetchone()
    return [
        ViewCount(view=view, count=min(n, COUNT_CAP), capped=n > COUNT_CAP)
        for view, n in zip(views, numbers, strict=True)
    ]


def count_staleness() -> dt.timedelta:
    """How old a cached view count may be when it is shown."""
    return dt.timedelta(seconds=settings.DESKLINE_VIEW_COUNT_SECONDS)


def _counts_key(user: User, views: tuple[str, ...]) -> str:
    # Per user: a view's rows depend on the user's visibility, teams and own assignments.
    return f"deskline:view-counts:v1:{user.pk}:{','.join(views)}"


def view_counts_cached(*, user: User, views: tuple[str, ...] = VIEW_NAMES) -> list[ViewCount]:
    """`view_counts`, counted at most once per `count_staleness()` for each user.

    The moment of counting is stored with the counts and checked against the clock here (not
    only by the cache's own expiry), so no count older than the staleness is ever returned.
    """
    staleness = count_staleness()
    now = timezone.now()
    if not staleness:
        return view_counts(user=user, views=views, now=now)
    key = _counts_key(user, views)
    kept = cache.get(key)
    if kept is not None:
        counted_at, counts = kept
        if dt.timedelta(0) <= now - counted_at < staleness:
            return list(counts)
    counts = view_counts(user=user, views=views, now=now)
    cache.set(key, (now, counts), timeout=staleness.total_seconds())
    return counts
