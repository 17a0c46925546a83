"""Bulk recomputation of open tickets' deadlines after a calendar, holiday or policy change.

Deadlines are computed in Python with the clock's WorkingTimeIndex (the same arithmetic as the
hook, answered by binary search) in keyset batches, and only the rows whose deadlines moved are
written. On PostgreSQL instants travel as integer microseconds (parsing 300,000 timestamps
would cost more than the arithmetic) and each batch is one `UPDATE ... FROM (VALUES ...)`;
elsewhere datetimes are converted in Python and written with bulk_update.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Func, Q, QuerySet
from django.utils import timezone

from deskline.sla import resolve
from deskline.sla.clock import WorkingTimeIndex, instant_to_us, us_to_instant
from deskline.sla.models import Calendar, SlaTarget, TicketSla
from deskline.tickets.models import OPEN_PHASES, Ticket

BATCH_SIZE = 5000
#: The indexed span around now; instants outside it are computed by walking (same result).
INDEX_BEFORE, INDEX_AFTER = timedelta(days=400), timedelta(days=3 * 365)
_INSTANTS = {
    "created": "ticket__created_at",
    "reaction_override_at": "reaction_override",
    "resolution_override_at": "resolution_override",
    "old_reaction": "ticket__reaction_due",
    "old_resolution": "ticket__resolution_due",
}
_COLUMNS = (
    "ticket_id", "calendar_id", "policy_id", "ticket__priority_id", "created",
    "ticket__paused_minutes", "reacted", "reaction_override_at", "resolution_override_at",
    "override_paused_minutes", "old_reaction", "old_resolution",
)  # fmt: skip
Targets = dict[tuple[int, int], tuple[int | None, int | None]]
Row = tuple[int, int | None, int | None]  # ticket id, reaction due, resolution due (us)


class EpochMicroseconds(Func):
    template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"
    output_field = models.BigIntegerField()


def _batch(queryset: QuerySet[TicketSla], last: int, size: int) -> list[tuple[Any, ...]]:
    fast = connection.vendor == "postgresql"
    instants = {
        name: EpochMicroseconds(path) if fast else models.F(path)
        for name, path in _INSTANTS.items()
    }
    rows = list(
        queryset.filter(ticket_id__gt=last)
        .order_by("ticket_id")
        .annotate(reacted=Q(ticket__reacted_at__isnull=False), **instants)
        .values_list(*_COLUMNS)[:size]
    )
    if fast:
        return rows
    converted = {4, 7, 8, 10, 11}
    return [
        tuple(
            instant_to_us(v) if i in converted and v is not None else v for i, v in enumerate(row)
        )
        for row in rows
    ]


def deadlines_recompute(
    *,
    calendar_ids: Iterable[int] | None = None,
    policy_ids: Iterable[int] | None = None,
    states: QuerySet[TicketSla] | None = None,
    first_time: bool = False,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Recompute the deadlines of open tickets on these calendars/policies (all if neither).

    `states` replaces "open tickets" with other SLA rows; `first_time` says their deadlines were
    never computed, so a reaction deadline is set even where the reaction already happened
    (tickets loaded in bulk: the demo, an import).
    Returns the number of tickets whose deadlines changed. Each batch is its own transaction,
    so a long run does not hold locks on every open ticket at once.
    """
    queryset = (
        states if states is not None else TicketSla.objects.filter(ticket__phase__in=OPEN_PHASES)
    )
    if calendar_ids is not None:
        queryset = queryset.filter(calendar_id__in=list(calendar_ids))
    if policy_ids is not None:
        queryset = queryset.filter(policy_id__in=list(policy_ids))
    targets: Targets = {
        (t.policy_id, t.priority_id): (t.reaction_minutes, t.resolution_minutes)
        for t in SlaTarget.objects.all()
    }
    now = timezone.now()
    indexes = {
        c.pk: WorkingTimeIndex(resolve.work_calendar(c), now - INDEX_BEFORE, now + INDEX_AFTER)
        for c in Calendar.objects.all()
    }
    fallback = WorkingTimeIndex(resolve.work_calendar(None), now, now)
    changed_total, last = 0, 0
    while True:
        rows = _batch(queryset, last, batch_size)
        if not rows:
            return changed_total
        last = rows[-1][0]
        changed = [
            r
            for r in (_recompute_row(row, indexes, fallback, targets, first_time) for row in rows)
            if r
        ]
        with transaction.atomic():
            write_deadlines(changed)
        changed_total += len(changed)


def _due(
    index: WorkingTimeIndex,
    created: int,
    target: int | None,
    paused: int,
    override: int | None,
    override_paused: int,
) -> int | None:
    """deadlines.deadline on microseconds: override moved by later pauses, else the target."""
    if override is not None:
        return index.add_us(override, max(0, paused - override_paused))
    return None if target is None else index.add_us(created, target + paused)


def _recompute_row(
    row: tuple[Any, ...],
    indexes: dict[int, WorkingTimeIndex],
    fallback: WorkingTimeIndex,
    targets: Targets,
    first_time: bool = False,
) -> Row | None:
    (ticket_id, calendar_id, policy_id, priority_id, created, paused, reacted,
     reaction_override, resolution_override, override_paused, old_reaction, old_resolution) = row  # fmt: skip
    index = indexes.get(calendar_id, fallback)
    reaction, resolution = targets.get((policy_id, priority_id), (None, None))
    new_reaction = old_reaction
    if not reacted or first_time:
        new_reaction = _due(index, created, reaction, 0, reaction_override, override_paused)
    new_resolution = _due(index, created, resolution, paused, resolution_override, override_paused)
    if (new_reaction, new_resolution) == (old_reaction, old_resolution):
        return None
    return ticket_id, new_reaction, new_resolution


def write_deadlines(rows: list[Row]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        table = Ticket._meta.db_table
        values = ", ".join(["(%s::bigint, %s::bigint, %s::bigint)"] * len(rows))
        params = [value for row in rows for value in row]
        at = "timestamptz 'epoch' + v.{} * interval '1 microsecond'"
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS t SET reaction_due = {at.format('r')}, "  # noqa: S608
                f"resolution_due = {at.format('s')} "
                f"FROM (VALUES {values}) AS v(id, r, s) WHERE t.id = v.id",
                params,
            )
        return
    tickets = [
        Ticket(pk=i, reaction_due=_instant(r), resolution_due=_instant(s)) for i, r, s in rows
    ]
    Ticket.objects.bulk_update(tickets, ["reaction_due", "resolution_due"], batch_size=500)


def _instant(us: int | None) -> datetime | None:
    return None if us is None else us_to_instant(us)
