"""WorkingTimeIndex gives exactly what the walking functions give (pure, property-based)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from deskline.sla.clock import (
    WorkCalendar,
    WorkingTimeIndex,
    add_working_minutes,
    span,
    working_minutes_between,
)

ZONES = ("Europe/Berlin", "Europe/Moscow", "America/New_York", "Australia/Lord_Howe", "UTC")
START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2027, 1, 1, tzinfo=UTC)
LUNCH = (span("09:00", "13:00"), span("14:00", "18:00"))

day_schedules = st.lists(
    st.tuples(st.integers(0, 1439), st.integers(1, 1440)).filter(lambda p: p[0] < p[1]),
    max_size=3,
)


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    week = tuple(tuple(draw(day_schedules)) for _ in range(7))
    if not any(week):
        week = (LUNCH,) * 5 + ((), ())
    offs = draw(st.lists(st.integers(0, 364), max_size=6))
    days_off = {date(2026, 1, 1) + timedelta(days=d) for d in offs}
    return WorkCalendar(draw(st.sampled_from(ZONES)), week).with_days_off(days_off)


instants = st.integers(-2 * 1440, 370 * 1440).map(
    lambda m: START + timedelta(minutes=m, seconds=m % 7)
)


@settings(max_examples=150, deadline=None)
@given(calendars(), instants, st.integers(0, 40 * 1440))
def test_index_add_equals_the_walk(calendar: WorkCalendar, start: datetime, minutes: int) -> None:
    index = WorkingTimeIndex(calendar, START, END)
    assert index.add_working_minutes(start, minutes) == add_working_minutes(
        calendar, start, minutes
    )


@settings(max_examples=150, deadline=None)
@given(calendars(), instants, st.integers(0, 60 * 1440))
def test_index_between_equals_the_walk(
    calendar: WorkCalendar, start: datetime, length: int
) -> None:
    index = WorkingTimeIndex(calendar, START, END)
    end = start + timedelta(minutes=length)
    assert index.working_minutes_between(start, end) == working_minutes_between(
        calendar, start, end
    )
