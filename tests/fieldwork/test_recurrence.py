"""Planned-maintenance dates (pure): RRULE examples, refusals, and properties against simple
reference implementations (windows compose, counter marks, working-day shifts)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskline.fieldwork import recurrence as r

JAN1 = dt.date(2026, 1, 1)
QUARTERLY_FIRST_MONDAY = "FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO"


def test_every_three_months_counts_from_the_start_date() -> None:
    dates = r.next_dates("FREQ=MONTHLY;INTERVAL=3", dt.date(2026, 3, 12), JAN1, 4)
    assert dates == [dt.date(2026, 3, 12), dt.date(2026, 6, 12), dt.date(2026, 9, 12),
                     dt.date(2026, 12, 12)]  # fmt: skip


def test_the_first_monday_of_each_quarter_two_ways() -> None:
    expected = [dt.date(2026, 1, 5), dt.date(2026, 4, 6), dt.date(2026, 7, 6), dt.date(2026, 10, 5)]
    assert r.next_dates(QUARTERLY_FIRST_MONDAY, JAN1, JAN1, 4) == expected
    yearly = "RRULE:FREQ=YEARLY;BYMONTH=1,4,7,10;BYDAY=1MO"
    assert r.next_dates(yearly, JAN1, JAN1, 4) == expected


def test_the_rule_is_stored_normalised() -> None:
    assert r.check_rule(" rrule:freq=weekly; interval=2 ", JAN1) == "FREQ=WEEKLY;INTERVAL=2"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("INTERVAL=2", "needs FREQ"),
        ("FREQ=HOURLY", "by the day"),
        ("FREQ=DAILY;BYHOUR=9", "BYHOUR is not allowed"),
        ("FREQ=DAILY;DTSTART=20200101T000000", "DTSTART is not allowed"),
        ("FREQ=FORTNIGHTLY", "not a recurrence rule"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "no date within"),
    ],
)
def test_unusable_rules_are_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(r.RuleError, match=reason):
        r.check_rule(text, JAN1)


def test_a_date_belongs_to_the_rule_or_not() -> None:
    assert r.is_date_of(QUARTERLY_FIRST_MONDAY, JAN1, dt.date(2026, 4, 6))
    assert not r.is_date_of(QUARTERLY_FIRST_MONDAY, JAN1, dt.date(2026, 4, 13))


def test_a_closed_day_moves_to_the_next_working_day() -> None:
    weekdays = lambda d: d.weekday() < 5  # noqa: E731
    assert r.to_working_day(dt.date(2026, 3, 14), weekdays) == dt.date(2026, 3, 16)  # Saturday
    assert r.to_working_day(dt.date(2026, 3, 16), weekdays) == dt.date(2026, 3, 16)
    assert r.to_working_day(dt.date(2026, 3, 14), lambda d: False) == dt.date(2026, 3, 14)


def test_a_counter_that_jumps_past_several_marks_gives_the_last_one() -> None:
    assert r.counter_mark(0, 500, 499.9) is None
    assert r.counter_mark(0, 500, 500) == 500
    assert r.counter_mark(500, 500, 1720) == 1500


days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))
rules = st.sampled_from([
    "FREQ=DAILY;INTERVAL=3", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", "FREQ=MONTHLY;INTERVAL=3",
    QUARTERLY_FIRST_MONDAY, "FREQ=MONTHLY;BYMONTHDAY=-1", "FREQ=YEARLY;BYMONTH=3,9",
])  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(rule=rules, start=days, a=days, span1=st.integers(0, 200), span2=st.integers(0, 200))
def test_consecutive_windows_give_the_dates_of_their_union(
    rule: str, start: dt.date, a: dt.date, span1: int, span2: int
) -> None:
    # What the scheduler relies on: a run up to b and the next from b+1 miss and repeat nothing.
    b = a + dt.timedelta(days=span1)
    c = b + dt.timedelta(days=span2)
    one = r.dates_between(rule, start, a, b)
    two = r.dates_between(rule, start, b + dt.timedelta(days=1), c)
    assert one + two == r.dates_between(rule, start, a, c)
    assert all(d >= start for d in one + two)


@settings(max_examples=150, deadline=None)
@given(start=days, after=days, interval=st.integers(1, 40))
def test_a_daily_rule_agrees_with_stepping_day_by_day(
    start: dt.date, after: dt.date, interval: int
) -> None:
    got = r.next_dates(f"FREQ=DAILY;INTERVAL={interval}", start, after, 3)
    expected, day = [], start
    while len(expected) < 3:
        if day >= after:
            expected.append(day)
        day += dt.timedelta(days=interval)
    assert got == expected


@given(last=st.integers(0, 10_000), every=st.integers(1, 1000), value=st.floats(0, 50_000))
def test_counter_marks_agree_with_stepping_mark_by_mark(
    last: int, every: int, value: float
) -> None:
    mark, expected = last + every, None
    while mark <= value:
        expected, mark = mark, mark + every
    assert r.counter_mark(last, every, value) == expected


@given(day=days, closed=st.sets(st.integers(0, 6), max_size=6))
def test_the_working_day_is_the_first_open_one_on_or_after(day: dt.date, closed: set[int]) -> None:
    shifted = r.to_working_day(day, lambda d: d.weekday() not in closed)
    assert shifted >= day and shifted.weekday() not in closed
    assert all((day + dt.timedelta(n)).weekday() in closed for n in range((shifted - day).days))
