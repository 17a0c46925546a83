"""Distributions of ticket durations (pure, no ORM): wall-clock or business minutes, their
median and 90th percentile, and a histogram over fixed buckets.

Business time is working time on the ticket's SLA calendar, counted by the SLA clock
(`sla.clock.WorkingTimeIndex`, one index per calendar over the spans' range), so a ticket opened
on Friday evening and answered on Monday morning took minutes, not days, and a public holiday
does not count. Both clocks count whole minutes (floor), as the daily aggregates do.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from deskline.analytics.figures import quantile
from deskline.sla.clock import WorkCalendar, WorkingTimeIndex

Clock = Literal["business", "wall"]
CLOCKS: tuple[Clock, ...] = ("business", "wall")
#: Upper bounds (minutes, exclusive) of the histogram's buckets; the last bucket is open.
BUCKET_EDGES = (15, 30, 60, 120, 240, 480, 1440, 2880, 7200)
#: Room after the latest end, so that every end lies inside the index (never the slow path).
_INDEX_MARGIN = dt.timedelta(days=30)


@dataclass(frozen=True)
class Span:
    """From start to end on a calendar (None: the ticket has none, i.e. around the clock)."""

    start: dt.datetime
    end: dt.datetime
    calendar: Hashable = None


@dataclass(frozen=True)
class Distribution:
    count: int
    median: float | None
    p90: float | None
    buckets: tuple[int, ...]


def wall_minutes(start: dt.datetime, end: dt.datetime) -> int:
    """Whole minutes from start to end, never negative."""
    return max(0, int((end - start).total_seconds() // 60))


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
        high = max(spans[i].end for i in positions) + _INDEX_MARGIN
        index = WorkingTimeIndex(calendars[key], low, high)
        for i in positions:
            out[i] = index.working_minutes_between(spans[i].start, spans[i].end)
    return out


def span_minutes(
    spans: Sequence[Span], clock: Clock, calendars: Mapping[Hashable, WorkCalendar]
) -> list[int]:
    if clock == "wall":
        return [wall_minutes(span.start, span.end) for span in spans]
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
