"""Saved views of the ticket lists (mine, my teams, overdue, angry clients, ...) and their
capped counts.

A saved view is a condition on top of the user's visible tickets and the list filters; the
paging is the same keyset paging as `ticket_list_for`, so a deep page costs what the first does.
Counts are capped (at `COUNT_CAP`): a count shows "1000+" beyond.

The pages read the counts through `view_counts_cached`, which returns what the direct count
`view_counts` would (the tests hold the two equal for every role), as of at most
`DESKLINE_VIEW_COUNT_SECONDS` (30 s by default) ago, at a database cost that does not grow with
the number of users:

- The views whose condition does not depend on the user (`SHARED_VIEWS`: unassigned, overdue,
  at risk, angry, waiting, open, all) are counted once for everyone, per team (None: the
  unrouted queue), and kept in the cache with the moment of counting (`shared_counts`). Past
  3/4 of the staleness one process (a lock in the cache) counts them again while the others
  keep the previous counts; a process that finds none within the staleness counts itself.
  With a shared cache (REDIS_URL) the task workers recount them every half staleness
  (`tickets.tasks.view_counts_refresh`), so pages do not pay the count while they run.
- Each shared count is capped per team (`shared_counts_count`): one statement of capped counts
  per team and view, each read in order through an index on the team (`ticket_open_team`:
  open, waiting, unassigned from the index alone; `ticket_open_team_due` and
  `ticket_open_team_unreacted`: overdue and at risk by deadline, each row's SLA state looked up
  by key; the angry messages' `triage_tone_angry`) and stopping at the cap. A sum of numbers
  each capped at COUNT_CAP + 1 passes COUNT_CAP exactly when the uncapped sum does, so the
  users' sums stay right, and the pass reads at most about (teams + 1) x views x COUNT_CAP
  rows, however many tickets are open (it read every open ticket, its SLA row and latest
  message, 0.5-1.7 s at 50,000 open, growing with them).

  Why not counters kept by the ticket writes: overdue and at risk change with the clock, and
  angry, paused and predicted with other apps' tables, so they would need the capped reads
  anyway; the time-independent views (open, waiting, unassigned) cost a few index-only reads
  of at most the cap each, less than a counter table's write on every ticket change and its
  upkeep on every bulk path (demo loader, importers, merges, deletions, SET NULL on a team's
  or user's deletion). The bound is the cap per team and view, not the open tickets: a view
  whose tickets are rare among a team's open ones (say at risk when few are predicted) reads
  that team's candidates to find there are fewer than the cap.
- A user's count is the sum over the groups they see whole (everyone: all of them; agents:
  their teams and the unrouted queue; contractors: their teams) plus their own part: "mine",
  and the tickets they see outside those groups (assigned to them or observed), counted per
  user and kept as long (`_own_counts`); "my teams" is the sum of "open" over their teams.
- Contacts (and inactive users) are counted directly, per user, kept as long.

A count shown is never older than the staleness: each part carries the moment it was counted,
checked against the clock at every read (not only by the cache's expiry), so new and closed
tickets and deadlines passing (overdue, at risk) all show within that time. The shared part and
the user's own part may be counted at two moments of that window, so a ticket moved between the
user's teams and another team within it may be counted in either or both until the window
passes.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from deskline.accounts.models import Role, Team, User
from deskline.core.errors import ValidationFailed
from deskline.tickets.access import tickets_visible_to
from deskline.tickets.conditions import CountingPart, condition, condition_parts
from deskline.tickets.models import OPEN_PHASES, Ticket
from deskline.tickets.selectors import (
    RowPage,
    TicketFilters,
    keyset_rows,
)

COUNT_CAP = 1000


def _team_ids(user: User) -> list[int]:
    # Literal ids, as the visibility filter uses: they let PostgreSQL use the team indexes.
    return list(user.teams.values_list("id", flat=True))


def _open() -> Q:
    # Written as literals: SQLite then walks the partial index of open tickets in list order.
    return Q(phase__in_literal=[str(p) for p in OPEN_PHASES])


SharedCondition = Callable[[dt.datetime, bool], Q]

#: The views whose condition does not depend on the user, as `(now, per_row) -> Q`: their
#: counts are kept per team for everyone (`shared_counts`). `per_row` asks for the row-by-row
#: form of a named condition (see `tickets.conditions`), for counting rows already read (the
#: shared pass over the open tickets, a user's few own tickets); the set form, which the lists
#: use, finds the tickets among all of them.
SHARED_VIEWS: dict[str, SharedCondition] = {
    "unassigned": lambda now, per_row: _open() & Q(assignee__isnull=True),
    "overdue": lambda now, per_row: condition("overdue", now, per_row=per_row),
    "at_risk": lambda now, per_row: condition("at_risk", now, per_row=per_row),
    # Triage defines "angry": the client's latest inbound message was scored angry.
    "angry": lambda now, per_row: _open() & condition("angry", now, per_row=per_row),
    "waiting": lambda now, per_row: Q(phase="waiting"),
    "open": lambda now, per_row: _open(),
    "all": lambda now, per_row: Q(),
}
#: The shared views that only hold open tickets (a user's own part counts them on their few
#: open tickets outside the teams they cover).
_WITHIN_OPEN = ("unassigned", "overdue", "at_risk", "angry", "waiting", "open")


def _shared_view(name: str) -> Callable[[User, dt.datetime], Q]:
    return lambda user, now: SHARED_VIEWS[name](now, False)


VIEWS: dict[str, Callable[[User, dt.datetime], Q]] = {
    "mine": lambda user, now: _open() & Q(assignee_id=user.pk),
    "teams": lambda user, now: _open() & Q(team_id__in=_team_ids(user)),
    **{name: _shared_view(name) for name in SHARED_VIEWS},
}
VIEW_NAMES = tuple(VIEWS)


def view_condition(user: User, view: str, now: dt.datetime | None = None) -> Q:
    if view not in VIEWS:
        raise ValidationFailed(f"unknown view: {view}", fields={"view": "unknown view"})
    return VIEWS[view](user, now or timezone.now())


def ticket_rows_in_view(
    *,
    user: User,
    view: str,
    filters: TicketFilters,
    columns: tuple[str, ...],
    sort: str = "-updated",
    cursor: str = "",
    limit: int = 50,
) -> RowPage:
    """One keyset page of a saved view, narrowed by the list filters, as plain rows of
    `columns` (see `selectors.keyset_rows`)."""
    return keyset_rows(
        user,
        filters,
        columns,
        condition=view_condition(user, view),
        sort=sort,
        cursor=cursor,
        limit=limit,
    )


@dataclass(frozen=True)
class ViewCount:
    view: str
    count: int
    capped: bool


#: A count's querysets: one, or disjoint parts whose counts add up (`_capped_counts`).
Counted = QuerySet[Ticket] | list[QuerySet[Ticket]]


def _capped_counts(countings: Sequence[Counted], *, keep_order: bool = False) -> list[int]:
    """How many rows each queryset holds, up to COUNT_CAP + 1, in one round trip:
    SELECT (SELECT COUNT(*) FROM (<queryset 1> LIMIT cap+1)), (...), ...

    A count above COUNT_CAP says "more than COUNT_CAP"; an empty list costs no query. A list of
    disjoint parts counts each up to the cap and adds them, a part only while the ones before
    it hold no more than COUNT_CAP (the database evaluates the CASE's branch only if taken).
    `keep_order`: each queryset's own ordering is kept (an index to read in order up to the
    cap), else none.
    """
    if not countings:
        return []
    first = countings[0]
    db = (first[0] if isinstance(first, list) else first).db
    fence = " OFFSET 0" if connections[db].vendor == "postgresql" else ""
    numbered = iter(range(1_000_000))

    def one(queryset: QuerySet[Ticket]) -> tuple[str, list[Any]]:
        i = next(numbered)
        ordered = queryset if keep_order else queryset.order_by()
        sliced = ordered.values("pk")[: COUNT_CAP + 1]
        try:
            sql, params = sliced.query.sql_with_params()
        except EmptyResultSet:  # a condition that can match nothing (e.g. no teams)
            return "0", []
        # The SQL comes from the ORM's compiler; its values stay parameters.
        return f"(SELECT COUNT(*) FROM ({sql}) AS view_{i})", list(params)  # noqa: S608

    def summed(parts: list[QuerySet[Ticket]]) -> tuple[str, list[Any]]:
        head_sql, head_params = one(parts[0])
        if len(parts) == 1:
            return head_sql, head_params
        rest_sql, rest_params = summed(parts[1:])
        i = next(numbered)
        # Compiled SQL as above, and an integer. OFFSET 0 keeps PostgreSQL from pulling the
        # head's count up into the CASE, where it would run it twice.
        sql = (
            f"(SELECT CASE WHEN s_{i}.n > {int(COUNT_CAP)} THEN s_{i}.n "  # noqa: S608
            f"ELSE s_{i}.n + {rest_sql} END FROM (SELECT {head_sql} AS n{fence}) AS s_{i})"
        )
        return sql, rest_params + head_params

    columns: list[str] = []
    params: list[Any] = []
    for counting in countings:
        sql, counting_params = summed(counting if isinstance(counting, list) else [counting])
        columns.append(sql)
        params.extend(counting_params)
    with connections[db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)
        numbers = cursor.fetchone()
    return [int(n) for n in numbers]


def _view_count(view: str, n: int) -> ViewCount:
    return ViewCount(view=view, count=min(n, COUNT_CAP), capped=n > COUNT_CAP)


def view_counts(
    *, user: User, views: tuple[str, ...] = VIEW_NAMES, now: dt.datetime | None = None
) -> list[ViewCount]:
    """How many tickets each view holds for `user`, counting at most COUNT_CAP + 1 rows per
    view: the direct count, which `view_counts_cached` must always agree with."""
    if not views:
        return []
    now = now or timezone.now()
    visible = tickets_visible_to(user)
    numbers = _capped_counts([visible.filter(view_condition(user, v, now)) for v in views])
    return [_view_count(view, n) for view, n in zip(views, numbers, strict=True)]


def count_staleness() -> dt.timedelta:
    """How old a cached view count may be when it is shown."""
    return dt.timedelta(seconds=settings.DESKLINE_VIEW_COUNT_SECONDS)


def _fresh(counted_at: dt.datetime, now: dt.datetime, staleness: dt.timedelta) -> bool:
    return dt.timedelta(0) <= now - counted_at < staleness


# The shared counts: every shared view counted once for everyone, per team.

#: {view: {team id (None: unrouted): tickets}}, each capped per team (past COUNT_CAP it may
#: hold up to COUNT_CAP + 1 per counting part: the sums only need to pass COUNT_CAP).
ByTeam = dict[str, dict[int | None, int]]

_SHARED_KEY = "deskline:view-counts:shared:v1"
_SHARED_LOCK = "deskline:view-counts:shared:v1:lock"
#: How long the counting lock may be held: past it, a dead counter no longer blocks anyone.
_LOCK_SECONDS = 120
#: The share of the staleness after which one process (the lock holder) counts again, while
#: the others keep showing the previous counts, still within the staleness.
_REFRESH_AHEAD = 0.75


@dataclass(frozen=True)
class SharedCounts:
    counted_at: dt.datetime
    by_team: ByTeam


def _counting_parts(view: str, now: dt.datetime) -> list[CountingPart]:
    """The view's tickets as disjoint conditions that add up, each with the order an index on
    the team reads it in (see `shared_counts_count`)."""
    if view == "all":
        return [CountingPart(Q())]
    if view in ("overdue", "at_risk", "angry"):
        return [
            CountingPart(_open() & part.where, part.walk) for part in condition_parts(view, now)
        ]
    return [CountingPart(SHARED_VIEWS[view](now, True))]


def _in_group(team_id: int | None) -> Q:
    return Q(team__isnull=True) if team_id is None else Q(team_id=team_id)


def shared_counts_count(now: dt.datetime | None = None) -> SharedCounts:
    """Count every shared view per team, as of `now` (taken before counting), each capped at
    COUNT_CAP + 1 per team: one statement of one capped count per team, view and part.

    Capped per team, the sums stay right: a user's count is a sum over teams (and their own
    part), and a sum of numbers each capped at COUNT_CAP + 1 passes COUNT_CAP exactly when the
    uncapped sum does, and equals it otherwise. Each count is read in order through an index
    on the team (`ticket_open_team`, `ticket_open_team_due`, `ticket_open_team_unreacted`, the
    angry messages' `triage_tone_angry`) and stops at the cap, so the pass reads at most about
    (teams + 1) x views x COUNT_CAP rows, whatever the number of open tickets; the previous
    single pass over every open ticket (and its SLA row and latest message) grew with them."""
    now = now or timezone.now()
    team_ids: list[int | None] = [*Team.objects.order_by("pk").values_list("pk", flat=True)]
    team_ids.append(None)
    keys: list[tuple[str, int | None]] = []
    countings: list[Counted] = []
    for view in SHARED_VIEWS:
        parts = _counting_parts(view, now)
        for team_id in team_ids:
            keys.append((view, team_id))
            in_group = Ticket.objects.filter(_in_group(team_id))
            countings.append(
                [
                    in_group.filter(part.where).order_by(*([part.walk] if part.walk else []))
                    for part in parts
                ]
            )
    connection = connections[Ticket.objects.db]
    if connection.vendor == "postgresql":
        # Each count reads an index in order and stops at the cap; PostgreSQL, guessing from
        # its statistics that a team holds fewer than the cap, would otherwise read all of
        # them into a bitmap and sort them. And it would spend longer compiling this statement
        # (JIT) than running it, for one run every few seconds at most. (Not on SQLite: there
        # a transaction takes the write lock at BEGIN.)
        with transaction.atomic(using=Ticket.objects.db), connection.cursor() as cursor:
            cursor.execute(  # SET LOCAL of the three, in one round trip
                "SELECT set_config('jit', 'off', true),"
                " set_config('enable_bitmapscan', 'off', true),"
                " set_config('enable_sort', 'off', true)"
            )
            numbers = _capped_counts(countings, keep_order=True)
    else:
        numbers = _capped_counts(countings, keep_order=True)
    by_team: ByTeam = {view: {} for view in SHARED_VIEWS}
    for (view, team_id), n in zip(keys, numbers, strict=True):
        if n:
            by_team[view][team_id] = n
    return SharedCounts(counted_at=now, by_team=by_team)


def shared_counts_refresh(now: dt.datetime | None = None) -> SharedCounts:
    """Count the shared views now and keep them for the pages (the periodic job calls it)."""
    counts = shared_counts_count(now)
    cache.set(_SHARED_KEY, counts, timeout=count_staleness().total_seconds())
    return counts


def shared_counts_refresh_locked() -> bool:
    """`shared_counts_refresh` under the counting lock; False (nothing done) if another
    process holds it."""
    if not cache.add(_SHARED_LOCK, 1, timeout=_LOCK_SECONDS):
        return False
    try:
        shared_counts_refresh()
    finally:
        cache.delete(_SHARED_LOCK)
    return True


def shared_counts(now: dt.datetime, staleness: dt.timedelta) -> SharedCounts:
    """The shared counts, never older than `staleness` at `now`.

    Past `_REFRESH_AHEAD` of the staleness one process takes a lock in the cache and counts
    again while the others keep the previous counts (still fresh enough); a process that finds
    no fresh counts at all counts itself rather than show older ones.
    """
    cached = cache.get(_SHARED_KEY)
    kept = cached if isinstance(cached, SharedCounts) else None
    fresh = kept is not None and _fresh(kept.counted_at, now, staleness)
    if kept is not None and fresh and now - kept.counted_at < staleness * _REFRESH_AHEAD:
        return kept
    if cache.add(_SHARED_LOCK, 1, timeout=_LOCK_SECONDS):
        try:
            return shared_counts_refresh(now)
        finally:
            cache.delete(_SHARED_LOCK)
    if kept is not None and fresh:  # another process is counting; ours are still fresh
        return kept
    return shared_counts_count(now)


# The per-user part: what a user's visibility adds to the teams they cover.


@dataclass(frozen=True)
class OwnCounts:
    counted_at: dt.datetime
    #: The groups of the shared counts the user sees whole: None for all of them.
    covered: frozenset[int | None] | None
    team_ids: tuple[int, ...]
    #: "mine", and for each shared view its tickets the user sees outside `covered` (capped);
    #: "all" only when the covered groups alone do not already pass COUNT_CAP.
    numbers: dict[str, int]


def _covered_sum(view: str, shared: ByTeam, covered: frozenset[int | None] | None) -> int:
    groups = shared[view]
    if covered is None:
        return sum(groups.values())
    return sum(n for t, n in groups.items() if t in covered)


def _other_teams(team_ids: tuple[int, ...], *, unrouted: bool) -> Q:
    """Tickets of the teams other than `team_ids` (and the unrouted ones if `unrouted`), as
    the ranges between those ids: an index on (assignee, team) then reads only a user's tickets
    outside their teams, where NOT IN would read all of them."""
    ranges: list[Q] = []
    below: int | None = None
    for team_id in sorted(team_ids):
        ranges.append(
            Q(team_id__lt=team_id) if below is None else Q(team_id__gt=below, team_id__lt=team_id)
        )
        below = team_id
    ranges.append(Q(team__isnull=False) if below is None else Q(team_id__gt=below))
    if unrouted:
        ranges.append(Q(team__isnull=True))
    return reduce(operator.or_, ranges)


def _own_counts_count(user: User, now: dt.datetime, shared: ByTeam) -> OwnCounts:
    """The user's own part of the counts: their teams (one query), then one query counting
    "mine" and, for each shared view, the tickets they see outside the groups they cover (the
    ones assigned to them or that they observe), tested row by row on those few tickets.

    The open ones are found through the index of open tickets by assignee; "all" (closed
    tickets too) would read every ticket ever assigned to the user, so it is only counted when
    the covered groups hold no more than COUNT_CAP tickets (beyond, the count shows "1000+"
    whatever the user's own part)."""
    team_ids = tuple(_team_ids(user))
    mine = Ticket.objects.filter(_open() & Q(assignee_id=user.pk))
    if user.sees_all_tickets:
        (n_mine,) = _capped_counts([mine])
        return OwnCounts(now, None, team_ids, {"mine": n_mine})
    covered: set[int | None] = set(team_ids)
    sees_unrouted = user.role != Role.CONTRACTOR  # agents see the unrouted tickets whole
    if sees_unrouted:
        covered.add(None)
    outside = _other_teams(team_ids, unrouted=not sees_unrouted)
    observed = Ticket.observers.through.objects.filter(user_id=user.pk).values("ticket_id")
    # A UNION of ids read through the assignee and observer indexes (an OR of the two would
    # make PostgreSQL read every ticket); the assigned ones outside the covered groups are
    # found in `ticket_open_assignee` (assignee, team, ...) by ranges of teams, not by reading
    # each of the user's open tickets.
    assigned_open = Ticket.objects.filter(_open() & Q(assignee_id=user.pk) & outside).order_by()
    own_open = Ticket.objects.filter(
        Q(pk__in=assigned_open.values("pk").union(observed)) & outside & _open()
    )
    # Their ids first (usually none): the views then test a few rows by primary key, or
    # nothing at all, instead of finding them again for each view.
    ids = list(own_open.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1])
    if len(ids) <= COUNT_CAP:
        own_open = Ticket.objects.filter(pk__in=ids)
    names = ["mine", *_WITHIN_OPEN]
    querysets = [mine] + [own_open.filter(SHARED_VIEWS[v](now, True)) for v in _WITHIN_OPEN]
    if _covered_sum("all", shared, frozenset(covered)) <= COUNT_CAP:
        assigned = Ticket.objects.filter(assignee_id=user.pk).order_by().values("pk")
        querysets.append(Ticket.objects.filter(Q(pk__in=assigned.union(observed)) & outside))
        names.append("all")
    numbers = dict(zip(names, _capped_counts(querysets), strict=True))
    return OwnCounts(now, frozenset(covered), team_ids, numbers)


def _own_key(user: User) -> str:
    return f"deskline:view-counts:own:v1:{user.pk}"


def _own_counts(user: User, now: dt.datetime, staleness: dt.timedelta, shared: ByTeam) -> OwnCounts:
    kept = cache.get(_own_key(user))
    if (
        isinstance(kept, OwnCounts)
        and _fresh(kept.counted_at, now, staleness)
        # "all" left out while the covered groups passed the cap, and they no longer do
        and (
            kept.covered is None
            or "all" in kept.numbers
            or _covered_sum("all", shared, kept.covered) > COUNT_CAP
        )
    ):
        return kept
    counts = _own_counts_count(user, now, shared)
    cache.set(_own_key(user), counts, timeout=staleness.total_seconds())
    return counts


def _per_user_key(user: User, views: tuple[str, ...]) -> str:
    # Contacts: a view's rows depend on the company or contact, so they are counted per user.
    return f"deskline:view-counts:v1:{user.pk}:{','.join(views)}"


def _per_user_counts(
    user: User, views: tuple[str, ...], now: dt.datetime, staleness: dt.timedelta
) -> list[ViewCount]:
    key = _per_user_key(user, views)
    kept = cache.get(key)
    if kept is not None:
        counted_at, counts = kept
        if _fresh(counted_at, now, staleness):
            return list(counts)
    counts = view_counts(user=user, views=views, now=now)
    cache.set(key, (now, counts), timeout=staleness.total_seconds())
    return counts


def _combined(view: str, shared: ByTeam, own: OwnCounts) -> int:
    if view == "mine":
        return own.numbers["mine"]
    if view == "teams":
        return sum(shared["open"].get(t, 0) for t in own.team_ids)
    return _covered_sum(view, shared, own.covered) + own.numbers.get(view, 0)


def view_counts_cached(*, user: User, views: tuple[str, ...] = VIEW_NAMES) -> list[ViewCount]:
    """What `view_counts` returns, as of at most `count_staleness()` ago.

    Staff: the shared views' per-team counts (`shared_counts`, one count for everyone) summed
    over the teams the user sees whole, plus the user's own part (`_own_counts`, kept per user
    as long); both carry the moment they were counted, checked against the clock here (not only
    by the cache's expiry), so no count older than the staleness is ever returned. Contacts and
    inactive users are counted directly, per user, kept as long.
    """
    staleness = count_staleness()
    now = timezone.now()
    unknown = [v for v in views if v not in VIEWS]
    if unknown:
        raise ValidationFailed(f"unknown view: {unknown[0]}", fields={"view": "unknown view"})
    if not staleness:
        return view_counts(user=user, views=views, now=now)
    if not user.is_active or user.role == Role.CONTACT:
        return _per_user_counts(user, views, now, staleness)
    shared = shared_counts(now, staleness).by_team
    own = _own_counts(user, now, staleness, shared)
    return [_view_count(view, _combined(view, shared, own)) for view in views]
