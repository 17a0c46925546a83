"""Distributions of ticket durations (pure, no ORM): wall-clock or business minutes, their
median and 90th percentile, and a histogram over fixed buckets.

Business time is working time on the ticket's SLA calendar, counted by the SLA clock
(`sla.clock.WorkingTimeIndex`, one index per calendar over the spans' range), so a ticket opened
on Friday evening and answered on Monday morning took minutes, not days, and a public holiday
does not count. Both clocks count whole minutes (floor), as the daily aggregates do.

`duration_facts` turns ticket rows into the `TicketDuration` rows the reports read: each
ticket's first response and resolution on both clocks, worked out once, when they happen.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from deskline.analytics.figures import quantile
from deskline.sla.clock import WorkCalendar, WorkingTimeIndex, instant_to_us, us_to_instant

Clock = Literal["business", "wall"]
#: The `TicketDuration` minute columns, each with the end it counts on (its day, in UTC).
DURATION_MEASURES = {
    "first_response_business": "reacted_at",
    "first_response_wall": "reacted_at",
    "resolution_business": "resolved_at",
    "resolution_wall": "resolved_at",
}
CLOCKS: tuple[Clock, ...] = ("business", "wall")
#: Upper bounds (minutes, exclusive) of the histogram's buckets; the last bucket is open.
BUCKET_EDGES = (15, 30, 60, 120, 240, 480, 1440, 2880, 7200)
#: Room after the latest end, so that every end lies inside the index (never the slow path).
_INDEX_MARGIN_US = 30 * 86_400 * 1_000_000
_MINUTE_US = 60 * 1_000_000


class Span(NamedTuple):
    """From start to end, in UTC microseconds since the epoch (what the database hands over
    cheaply and the SLA clock's index reads), on a calendar (None: the ticket has none)."""

    start: int
    end: int
    calendar: Hashable = None

    @classmethod
    def of(cls, start: dt.datetime, end: dt.datetime, calendar: Hashable = None) -> Span:
        return cls(instant_to_us(start), instant_to_us(end), calendar)


@dataclass(frozen=True)
class Distribution:
    count: int
    median: float | None
    p90: float | None
    buckets: tuple[int, ...]


def wall_minutes(span: Span) -> int:
    """Whole minutes from start to end, never negative."""
    return max(0, (span.end - span.start) // _MINUTE_US)


def business_minutes(
    spans: Sequence[Span], calendars: Mapping[Hashable, WorkCalendar]
) -> list[int]:
    """Working minutes of each span on its calendar, in the spans' order."""
    out = [0] * len(spans)
    by_calendar: dict[Hashable, list[int]] = {}
    for i, span in enumerate(spans):
        if span.end > span.start:
            by_calendar.setdefault(span.calendar, []).append(i)
    for key, positions in by_calendar.items():
        low = min(spans[i].start for i in positions)
        high = max(spans[i].end for i in positions) + _INDEX_MARGIN_US
        index = WorkingTimeIndex(calendars[key], us_to_instant(low), us_to_instant(high))
        for i in positions:
            out[i] = index.minutes_between_us(spans[i].start, spans[i].end)
    return out


def span_minutes(
    spans: Sequence[Span], clock: Clock, calendars: Mapping[Hashable, WorkCalendar]
) -> list[int]:
    if clock == "wall":
        return [wall_minutes(span) for span in spans]
    return business_minutes(spans, calendars)


def histogram(values: Sequence[int | float], edges: Sequence[int] = BUCKET_EDGES) -> list[int]:
    """How many values fall below each edge (and at or above the one before); the last
    bucket holds the values at or above the last edge."""
    counts = [0] * (len(edges) + 1)
    for value in values:
        counts[bisect_right(edges, value)] += 1
    return counts


def distribution(
    values: Sequence[int | float], edges: Sequence[int] = BUCKET_EDGES
) -> Distribution:
    ordered = sorted(values)
    return Distribution(
        count=len(ordered),
        median=quantile(ordered, 0.5),
        p90=quantile(ordered, 0.9),
        buckets=tuple(histogram(ordered, edges)),
    )


def distribution_of_counts(
    counts: Mapping[int, int], edges: Sequence[int] = BUCKET_EDGES
) -> Distribution:
    """`distribution` of the values a {value: how many times} map stands for, without
    expanding it: what a GROUP BY over a column of whole minutes hands back (a year at a
    million tickets is two million values but only 10,000-30,000 distinct ones)."""
    ordered = sorted((v, n) for v, n in counts.items() if n > 0)
    buckets = [0] * (len(edges) + 1)
    for value, n in ordered:
        buckets[bisect_right(edges, value)] += n

    def at(index: int) -> int:  # the value at `index` of the expanded, sorted list
        return _nth(ordered, index)

    return _figures(sum(n for _, n in ordered), at, buckets)


def _nth(ordered: Sequence[tuple[int, int]], index: int) -> int:
    """The value at `index` of the sorted list that (value, how many) pairs stand for."""
    seen = 0
    for value, n in ordered:
        seen += n
        if index < seen:
            return value
    raise IndexError(index)


def _figures(total: int, at: Callable[[int], int], buckets: list[int]) -> Distribution:
    """Count, median, 90th percentile (the same arithmetic as `figures.quantile` on the
    expanded list, `at(i)` being its i-th value) and the histogram."""

    def counted_quantile(q: float) -> float | None:
        if not total:
            return None
        position = (total - 1) * q
        low, high = at(math.floor(position)), at(math.ceil(position))
        return round(low + (high - low) * (position - math.floor(position)), 1)

    return Distribution(
        count=total, median=counted_quantile(0.5), p90=counted_quantile(0.9),
        buckets=tuple(buckets),
    )  # fmt: skip


def _duration_grid() -> tuple[int, ...]:
    """Lower edges of the minute buckets of `DailyDurationBuckets`: every minute up to 16, then
    8 buckets per doubling (each about 9% wide) up to 2^24 minutes (32 years), and every
    edge of the report's histogram, so that each bucket lies inside one histogram column."""
    edges = set(range(16)) | {int(2 ** (k / 8)) for k in range(32, 8 * 24 + 1)}
    return tuple(sorted(edges | set(BUCKET_EDGES)))


#: See `_duration_grid`; the last bucket is open.
DURATION_GRID = _duration_grid()


def duration_bucket(minutes: int) -> int:
    """The lower edge of the bucket that holds `minutes` (never negative)."""
    return DURATION_GRID[max(0, bisect_right(DURATION_GRID, minutes) - 1)]


def bucket_upper(bucket: int) -> int | None:
    """The (exclusive) upper edge of the bucket starting at `bucket`; None for the last one."""
    position = bisect_right(DURATION_GRID, bucket)
    return DURATION_GRID[position] if position < len(DURATION_GRID) else None


def distribution_of_buckets(
    buckets: Mapping[int, int],
    exact: Callable[[int, int | None], Mapping[int, int]],
    edges: Sequence[int] = BUCKET_EDGES,
) -> Distribution:
    """`distribution` of the values that {bucket lower edge: how many} counts, given
    `exact(low, high)`: the {value: how many} of the values in [low, high). Only the one or two
    buckets where the median and the 90th percentile fall are asked for, so the figures are
    exact to the minute while reading a bucket per day instead of a value per ticket."""
    ordered = sorted((b, n) for b, n in buckets.items() if n > 0)
    histogram_ = [0] * (len(edges) + 1)
    for bucket, n in ordered:
        histogram_[bisect_right(edges, bucket)] += n
    values: dict[int, list[tuple[int, int]]] = {}

    def at(index: int) -> int:
        seen = 0
        for bucket, n in ordered:
            if index < seen + n:
                if bucket not in values:
                    counted = exact(bucket, bucket_upper(bucket))
                    values[bucket] = sorted((v, c) for v, c in counted.items() if c > 0)
                return _nth(values[bucket], index - seen)
            seen += n
        raise IndexError(index)

    return _figures(sum(n for _, n in ordered), at, histogram_)


#: The ticket values `duration_facts` reads (as `Ticket.objects.values()` names them).
DURATION_FIELDS = ("id", "team_id", "assignee_id", "company_id", "priority_id", "type_id",
                   "channel", "created_at", "reacted_at", "resolved_at", "sla__calendar_id")  # fmt: skip


def duration_dimensions(row: Mapping[str, Any]) -> dict[str, Any]:
    """The ticket's report dimensions as the duration row keeps them (0 or "" for none)."""
    return {
        "ticket_id": row["id"], "team_id": row["team_id"] or 0,
        "agent_id": row["assignee_id"] or 0, "company_id": row["company_id"] or 0,
        "priority_id": row["priority_id"] or 0, "type_id": row["type_id"] or 0,
        "channel": row["channel"] or "",
    }  # fmt: skip


def duration_facts(
    rows: Sequence[Mapping[str, Any]], calendars: Mapping[Hashable, WorkCalendar]
) -> list[dict[str, Any]]:
    """Per ticket row: the `TicketDuration` field values (first response and resolution in wall
    and business minutes, None while not answered / resolved), one index per calendar."""
    spans: list[Span] = []
    for row in rows:
        for end in ("reacted_at", "resolved_at"):
            if row[end] is not None:
                spans.append(Span.of(row["created_at"], row[end], row["sla__calendar_id"]))
    business = iter(business_minutes(spans, calendars))
    walls = iter([wall_minutes(span) for span in spans])
    out = []
    for row in rows:
        fact = duration_dimensions(row) | {
            "calendar_id": row["sla__calendar_id"], "created_at": row["created_at"],
            "reacted_at": row["reacted_at"], "resolved_at": row["resolved_at"],
        }  # fmt: skip
        for end, name in (("reacted_at", "first_response"), ("resolved_at", "resolution")):
            done = row[end] is not None
            fact[f"{name}_wall"] = next(walls) if done else None
            fact[f"{name}_business"] = next(business) if done else None
        out.append(fact)
    return out


def duration_bucket_counts(fact: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """What a `TicketDuration` row (its field values) adds to `DailyDurationBuckets`:
    {"YYYY-MM-DD|measure|bucket": {"tickets": 1}} for each minute column it has."""
    out: dict[str, dict[str, int]] = {}
    for column, end in DURATION_MEASURES.items():
        value, at = fact.get(column), fact.get(end)
        if value is not None and at is not None:
            day = at.astimezone(dt.UTC).date().isoformat()
            out[f"{day}|{column}|{duration_bucket(value)}"] = {"tickets": 1}
    return out


def bucket_key_split(key: str) -> dict[str, Any]:
    """The `DailyDurationBuckets` field values of a key of `duration_bucket_counts`."""
    day, measure, bucket = key.split("|")
    return {"day": dt.date.fromisoformat(day), "measure": measure, "bucket": int(bucket)}
