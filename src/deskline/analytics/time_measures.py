"""Reads of the reports' time measures, per ticket rather than from the daily aggregates (a
percentile cannot be summed): first response and resolution of the tickets answered or
resolved in the period, and the time spent in each status by the periods that ended in it,
on the business clock (the ticket's SLA calendar) or the wall clock.

Time in a status comes from the SLA engine's `TicketStatusPeriod` rows, which already hold
both figures (wall minutes and working minutes on the ticket's calendar).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import BigIntegerField, Func
from django.utils.translation import get_language

from deskline.analytics.durations import Clock, Distribution, Span, distribution, span_minutes
from deskline.analytics.selectors import StatsFilter, _prefixed, _ticket_q, _within
from deskline.sla.clock import WorkCalendar
from deskline.sla.models import TicketStatusPeriod
from deskline.sla.resolve import work_calendar_by_id
from deskline.tickets import config_cache
from deskline.tickets.models import Status, Ticket


@dataclass(frozen=True)
class Measure:
    """One distribution of the report: what it measures (key) and, for a status, its name."""

    key: str
    status: str
    figures: Distribution


class EpochMicroseconds(Func):
    """A datetime column as UTC microseconds since 1970: an integer crosses from the database
    many times faster than an aware datetime (a year at 100k tickets is 200k of them)."""

    output_field = BigIntegerField()
    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) * 1000000 AS BIGINT)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # julianday() is exact to well under a millisecond: round there.
        template = ("CAST(ROUND((julianday(%(expressions)s) - 2440587.5) * 86400000.0) "
                    "AS INTEGER) * 1000")  # fmt: skip
        return self.as_sql(compiler, connection, template=template, **extra)


def _spans(f: StatsFilter, end_field: str) -> list[Span]:
    rows = (
        Ticket.objects.filter(_ticket_q(f))
        .filter(_within(end_field, f))
        .annotate(start_us=EpochMicroseconds("created_at"), end_us=EpochMicroseconds(end_field))
        .values_list("start_us", "end_us", "sla__calendar_id")
        .order_by()  # any order will do: no sort of the year's tickets
    )
    # Straight from the cursor: Django's per-value converters would cost more than the query.
    sql, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [Span(start, end, calendar) for start, end, calendar in cursor.fetchall()]


def _calendars(*groups: list[Span]) -> dict[Hashable, WorkCalendar]:
    ids = {span.calendar for spans in groups for span in spans}
    return {pk: work_calendar_by_id(pk) for pk in ids}  # type: ignore[arg-type]


def _status_name(status: Status) -> str:
    return status.name_ru if get_language() == "ru" and status.name_ru else status.name


def time_distributions(*, f: StatsFilter, clock: Clock) -> list[Measure]:
    """First response, resolution, then each status (in the workflow's order) a ticket left in
    the period: count, median, 90th percentile and histogram, in minutes of `clock`."""
    first, resolution = _spans(f, "reacted_at"), _spans(f, "resolved_at")
    calendars = _calendars(first, resolution)
    out = [
        Measure("first_response", "", distribution(span_minutes(first, clock, calendars))),
        Measure("resolution", "", distribution(span_minutes(resolution, clock, calendars))),
    ]
    minutes = "working_minutes" if clock == "business" else "calendar_minutes"
    periods = (
        TicketStatusPeriod.objects.filter(
            _within("ended_at", f), _prefixed(_ticket_q(f), "ticket__")
        )
        .values_list("status_id", minutes)
        .order_by()
    )
    by_status: dict[int, list[int]] = {}
    for status_id, value in periods.iterator(chunk_size=5000):
        by_status.setdefault(status_id, []).append(value)
    for status in config_cache.rows_by_id(Status).values():  # in the workflow's order
        if status.pk in by_status:
            out.append(Measure("status", _status_name(status), distribution(by_status[status.pk])))
    return out
