"""Duration distributions (pure): business minutes on a work calendar against hand-computed
cases over a weekend and a public holiday, wall minutes, histogram buckets and percentiles."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskline.analytics.durations import (
    BUCKET_EDGES,
    DURATION_GRID,
    Span,
    bucket_upper,
    distribution,
    distribution_of_buckets,
    duration_bucket,
    histogram,
    span_minutes,
)
from deskline.sla.calendars import CalendarSpec, build_calendar
from deskline.sla.clock import WorkCalendar

MSK = ZoneInfo("Europe/Moscow")
#: Moscow office hours 09:00-18:00 on weekdays, Russia's public holidays off.
OFFICE = build_calendar(
    CalendarSpec("Europe/Moscow", ("09:00-18:00",) * 5 + ("", ""), country="RU"), [2026]
)
CALENDARS = {"office": OFFICE, None: WorkCalendar.always("UTC")}


def at(day: int, month: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=MSK)


def test_a_ticket_open_over_the_weekend_counts_only_office_hours() -> None:
    # Friday 17:00 to Monday 10:00: one hour on Friday, one on Monday.
    span = Span.of(at(5, 6, 17), at(8, 6, 10), "office")
    assert span_minutes([span], "business", CALENDARS) == [120]
    assert span_minutes([span], "wall", CALENDARS) == [65 * 60]


def test_a_public_holiday_does_not_count() -> None:
    # Thursday 11 June 17:30 to Monday 15 June 09:30; Friday 12 June is Russia Day.
    span = Span.of(at(11, 6, 17, 30), at(15, 6, 9, 30), "office")
    assert span_minutes([span], "business", CALENDARS) == [60]
    assert span_minutes([span], "wall", CALENDARS) == [88 * 60]


def test_time_outside_office_hours_is_nothing_in_business_time() -> None:
    assert span_minutes([Span.of(at(6, 6, 10), at(7, 6, 20), "office")], "business", CALENDARS) == [
        0
    ]


def test_without_a_calendar_business_time_runs_around_the_clock() -> None:
    span = Span.of(at(5, 6, 17), at(8, 6, 10), None)
    assert span_minutes([span], "business", CALENDARS) == [65 * 60]


def test_spans_on_several_calendars_keep_their_order() -> None:
    spans = [Span.of(at(5, 6, 17), at(8, 6, 10), None), Span.of(at(5, 6, 17), at(8, 6, 10), "office"),
             Span.of(at(8, 6, 10), at(8, 6, 10, 45), "office")]  # fmt: skip
    assert span_minutes(spans, "business", CALENDARS) == [3900, 120, 45]


def test_histogram_buckets_take_their_lower_edge() -> None:
    counts = histogram([0, 14, 15, 59, 60, 7199, 7200, 50_000])
    assert len(counts) == len(BUCKET_EDGES) + 1
    assert counts[:4] == [2, 1, 1, 1]
    assert counts[-2] == 1 and counts[-1] == 2 and sum(counts) == 8


def test_distribution_gives_median_and_90th_percentile() -> None:
    figures = distribution([100, 10, 20, 30, 40, 50, 60, 70, 80, 90, 0])
    assert (figures.count, figures.median, figures.p90) == (11, 50.0, 90.0)


def test_an_empty_distribution_has_no_percentiles() -> None:
    figures = distribution([])
    assert (figures.count, figures.median, figures.p90) == (0, None, None)
    assert sum(figures.buckets) == 0


#: The machine running the tests is shared: a slow draw is load, not a too-large strategy.
SHARED_MACHINE = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@SHARED_MACHINE
@given(st.dictionaries(st.integers(0, 20_000), st.integers(0, 50), max_size=60))
def test_a_distribution_of_counts_equals_the_distribution_of_the_values(counts) -> None:
    from deskline.analytics.durations import distribution, distribution_of_counts

    expanded = [value for value, n in counts.items() for _ in range(n)]
    assert distribution_of_counts(counts) == distribution(expanded)


@SHARED_MACHINE
@given(
    st.lists(
        st.one_of(st.integers(0, 200), st.integers(0, 20_000), st.integers(0, 3_000_000)),
        max_size=300,
    )
)
def test_bucket_counts_with_the_exact_minutes_of_two_buckets_give_the_same_figures(values):
    counts = Counter(values)
    asked: list[int] = []

    def exact(low: int, high: int | None) -> dict[int, int]:
        asked.append(low)
        return {v: n for v, n in counts.items() if v >= low and (high is None or v < high)}

    buckets = Counter(duration_bucket(v) for v in values)
    assert distribution_of_buckets(buckets, exact) == distribution(values)
    assert len(asked) <= 4  # the buckets of the median's and the 90th percentile's neighbours


def test_a_minute_bucket_holds_its_values_and_lies_inside_one_histogram_column() -> None:
    for low in DURATION_GRID[:-1]:
        high = bucket_upper(low)
        assert high is not None and duration_bucket(low) == low == duration_bucket(high - 1)
        assert bisect_right(BUCKET_EDGES, low) == bisect_right(BUCKET_EDGES, high - 1)
    assert bucket_upper(DURATION_GRID[-1]) is None
    assert duration_bucket(10**9) == DURATION_GRID[-1]


def test_minute_buckets_are_exact_below_16_and_about_9_percent_wide_above() -> None:
    assert [duration_bucket(m) for m in range(16)] == list(range(16))
    assert all(
        (bucket_upper(low) or 0) - low <= max(1, low * 0.1) + 1 for low in DURATION_GRID[:-1]
    )
