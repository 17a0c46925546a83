"""Reads of the reports' time measures (a percentile cannot be summed from daily rows): first
response and resolution of the tickets answered or resolved in the period, and the time spent
in each status by the periods that ended in it, on the business clock (the ticket's SLA
calendar) or the wall clock.

`time_distributions` reads the `TicketDuration` rows (each ticket's minutes on both clocks,
worked out when the ticket was answered / resolved) and the SLA engine's `TicketStatusPeriod`
rows (which hold both figures too). The database groups the stored whole minutes (one row per
distinct value with its count: 10,000-30,000 for a year at a million tickets, where sorting
the two million values themselves in `percentile_cont` cost most of a second) and
`durations.distribution_of_counts` takes count, median, 90th percentile (the same linear
interpolation as `figures.quantile`) and the histogram from them, on every database. The
figures are exact, not bucketed. With no dimension filter (the whole desk) the counts come from
`DailyDurationBuckets` instead (a bucket per day and about 9% of minutes: a few hundred rows a
day whatever the number of tickets), and the exact minutes are read back from `TicketDuration`
only for the bucket where the median or the 90th percentile falls (an index on the minutes and
the end; `durations.distribution_of_buckets`): the same figures, not a year of rows.
`time_distributions_direct` computes the same from the tickets
themselves, running the SLA clock over every span (slow; the tests compare the two).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import BigIntegerField, Count, Func, Sum
from django.utils.translation import get_language

from deskline.analytics.durations import (
    Clock,
    Distribution,
    Span,
    distribution,
    distribution_of_buckets,
    distribution_of_counts,
    span_minutes,
)
from deskline.analytics.models import DailyDurationBuckets, TicketDuration
from deskline.analytics.selectors import (
    StatsFilter,
    _dimension_q,
    _prefixed,
    _ticket_q,
    _within,
)
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


def _duration_distribution(f: StatsFilter, end_field: str, column: str) -> Distribution:
    """The distribution of one `TicketDuration` column over the rows whose end falls in the
    period and match the filter (the dimensions as the daily rows filter them): from the
    minute buckets when no dimension is filtered, else from the rows themselves."""
    rows = TicketDuration.objects.filter(
        _dimension_q(f), _within(end_field, f), **{f"{column}__isnull": False}
    ).order_by()
    if not _dimension_q(f):
        return distribution_of_buckets(_bucket_counts(f, column),
                                       lambda low, high: _minute_counts(rows, column, low, high))  # fmt: skip
    return distribution_of_counts(_minute_counts(rows, column))


def _bucket_counts(f: StatsFilter, column: str) -> dict[int, int]:
    """{bucket: tickets} of one measure over the period (a few hundred rows a day at most)."""
    counted = (
        DailyDurationBuckets.objects.filter(measure=column, day__gte=f.start, day__lte=f.end)
        .order_by()
        .values("bucket")
        .annotate(n=Sum("tickets"))
    )
    return {bucket: int(n) for bucket, n in counted.values_list("bucket", "n")}


def _minute_counts(
    rows: Any, column: str, low: int | None = None, high: int | None = None
) -> dict[int, int]:
    """{minutes: rows} of `column` over `rows`, within [low, high) when given."""
    if low is not None:
        rows = rows.filter(**{f"{column}__gte": low})
    if high is not None:
        rows = rows.filter(**{f"{column}__lt": high})
    return dict(rows.values_list(column).annotate(n=Count("*")).values_list(column, "n"))


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
    the period: count, median, 90th percentile and histogram, in minutes of `clock`, from the
    stored minutes."""
    return [
        Measure("first_response", "",
                _duration_distribution(f, "reacted_at", f"first_response_{clock}")),
        Measure("resolution", "", _duration_distribution(f, "resolved_at", f"resolution_{clock}")),
        *_status_measures(f, clock),
    ]  # fmt: skip


def time_distributions_direct(*, f: StatsFilter, clock: Clock) -> list[Measure]:
    """The same figures from the tickets themselves, the SLA clock run over every span (slow:
    what `time_distributions` must equal; the tests compare them)."""
    first, resolution = _spans(f, "reacted_at"), _spans(f, "resolved_at")
    calendars = _calendars(first, resolution)
    return [
        Measure("first_response", "", distribution(span_minutes(first, clock, calendars))),
        Measure("resolution", "", distribution(span_minutes(resolution, clock, calendars))),
        *_status_measures(f, clock, in_python=True),
    ]


def _status_measures(f: StatsFilter, clock: Clock, *, in_python: bool = False) -> list[Measure]:
    """Time in each status by the periods that ended in the period (in the workflow's order)."""
    minutes = "working_minutes" if clock == "business" else "calendar_minutes"
    periods = TicketStatusPeriod.objects.filter(
        _within("ended_at", f), _prefixed(_ticket_q(f), "ticket__")
    ).order_by()
    figures: dict[int, Distribution] = {}
    if not in_python:
        counts: dict[int, dict[int, int]] = {}
        grouped = periods.values("status_id", minutes).annotate(n=Count("pk"))
        for status_id, value, n in grouped.values_list("status_id", minutes, "n"):
            counts.setdefault(status_id, {})[value] = n
        figures = {pk: distribution_of_counts(c) for pk, c in counts.items()}
    else:
        by_status: dict[int, list[int]] = {}
        for status_id, value in periods.values_list("status_id", minutes).iterator(chunk_size=5000):
            by_status.setdefault(status_id, []).append(value)
        figures = {pk: distribution(values) for pk, values in by_status.items()}
    return [
        Measure("status", _status_name(status), figures[status.pk])
        for status in config_cache.rows_by_id(Status).values()  # in the workflow's order
        if status.pk in figures
    ]
