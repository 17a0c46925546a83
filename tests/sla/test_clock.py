"""Work-calendar arithmetic: examples, and properties against a minute-stepping reference.

Pure tests: no Django models and no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskline.sla.clock import (
    DaySchedule,
    WorkCalendar,
    add_working_minutes,
    calendar_from_country,
    is_working_time,
    next_working_instant,
    span,
    working_minutes_between,
    working_seconds_between,
)

BERLIN = ZoneInfo("Europe/Berlin")
MOSCOW = ZoneInfo("Europe/Moscow")
LUNCH_BREAK = (span("09:00", "13:00"), span("14:00", "18:00"))
OFFICE = WorkCalendar.weekly("Europe/Berlin", LUNCH_BREAK)
NIGHT_SHIFT = WorkCalendar("Europe/Berlin", ((span("00:00", "04:00"),),) * 7)
MINUTE = timedelta(minutes=1)


def berlin(day: int, hour: int = 0, minute: int = 0, month: int = 3) -> datetime:
    """A wall-clock time in Berlin in 2026 (March 9 is a Monday)."""
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- examples -------------------------------------------------------------------------


def test_deadline_within_the_same_interval() -> None:
    assert add_working_minutes(OFFICE, berlin(10, 10), 30) == berlin(10, 10, 30)


def test_deadline_crosses_the_lunch_break() -> None:
    assert add_working_minutes(OFFICE, berlin(10, 12, 30), 60) == berlin(10, 14, 30)


def test_deadline_crosses_the_night() -> None:
    assert add_working_minutes(OFFICE, berlin(10, 17, 30), 60) == berlin(11, 9, 30)


def test_deadline_crosses_the_weekend() -> None:
    assert add_working_minutes(OFFICE, berlin(13, 17), 120) == berlin(16, 10)


def test_holiday_is_skipped() -> None:
    calendar = OFFICE.with_days_off([date(2026, 3, 11)])
    assert add_working_minutes(calendar, berlin(10, 17), 120) == berlin(12, 10)


def test_working_saturday_uses_the_normal_weekday_hours() -> None:
    calendar = OFFICE.with_working_days([date(2026, 3, 14)])
    assert calendar.schedule_for(date(2026, 3, 14)) == LUNCH_BREAK
    assert add_working_minutes(calendar, berlin(13, 17), 120) == berlin(14, 10)


def test_shortened_day_ends_early() -> None:
    calendar = OFFICE.with_overrides(
        {date(2026, 3, 10): [span("09:00", "13:00"), span("14:00", "17:00")]}
    )
    assert add_working_minutes(calendar, berlin(10, 16, 30), 60) == berlin(11, 9, 30)


def test_always_calendar_counts_every_minute() -> None:
    start = utc(2026, 3, 14, 23)
    assert add_working_minutes(WorkCalendar.always(), start, 1500) == start + timedelta(hours=25)


def test_spring_forward_gap_is_not_working_time() -> None:
    assert working_minutes_between(NIGHT_SHIFT, berlin(29), berlin(30)) == 180
    # 00:00 CET is 23:00 UTC; two real hours later the wall clock shows 03:00 CEST.
    assert add_working_minutes(NIGHT_SHIFT, berlin(29), 120) == utc(2026, 3, 29, 1)


def test_fall_back_repeated_hour_is_worked_twice() -> None:
    assert working_minutes_between(NIGHT_SHIFT, berlin(25, month=10), berlin(26, month=10)) == 300
    # 00:00 CEST is 22:00 UTC; four real hours later the wall clock shows 03:00 CET.
    assert add_working_minutes(NIGHT_SHIFT, berlin(25, month=10), 240) == utc(2026, 10, 25, 2)


def test_day_of_spring_forward_has_23_hours_in_new_york() -> None:
    new_york = ZoneInfo("America/New_York")
    calendar = WorkCalendar.always("America/New_York")
    start, end = datetime(2026, 3, 8, tzinfo=new_york), datetime(2026, 3, 9, tzinfo=new_york)
    assert working_minutes_between(calendar, start, end) == 23 * 60


def test_fall_back_across_midnight_keeps_working_time_in_order() -> None:
    # Goose Bay, 1990-10-28 00:01 -03 became 1990-10-27 23:01 -04: the minute 00:00-00:01
    # of the 28th lies between two stretches of the 27th.
    calendar = WorkCalendar.always("America/Goose_Bay")
    start = utc(1990, 10, 28, 2, 59)  # 23:59 on the 27th, first pass
    assert add_working_minutes(calendar, start, 2) == start + 2 * MINUTE


def test_start_in_the_middle_of_the_night_waits_for_opening() -> None:
    assert add_working_minutes(OFFICE, berlin(10, 3), 30) == berlin(10, 9, 30)


def test_zero_minutes_returns_the_start_even_outside_working_time() -> None:
    saturday_night = berlin(14, 23, 15)
    result = add_working_minutes(OFFICE, saturday_night, 0)
    assert result == saturday_night
    assert result.tzinfo is UTC


def test_deadline_ending_with_an_interval_is_that_end() -> None:
    assert add_working_minutes(OFFICE, berlin(10, 17), 60) == berlin(10, 18)


def test_minutes_between_instants_on_different_days() -> None:
    # Monday 17:00-18:00, all of Tuesday, Wednesday 09:00-10:00.
    assert working_minutes_between(OFFICE, berlin(9, 17), berlin(11, 10)) == 60 + 480 + 60


def test_between_floors_partial_minutes() -> None:
    start = berlin(10, 9) + timedelta(seconds=20)
    end = berlin(10, 9, 2)
    assert working_seconds_between(OFFICE, start, end) == 100
    assert working_minutes_between(OFFICE, start, end) == 1


def test_between_rejects_an_end_before_the_start() -> None:
    with pytest.raises(ValueError, match="before start"):
        working_minutes_between(OFFICE, berlin(11), berlin(10))


def test_russian_calendar_2026_skips_the_new_year_holidays() -> None:
    calendar = calendar_from_country("RU", [2026], time_zone="Europe/Moscow")
    new_year = datetime(2026, 1, 1, 10, tzinfo=MOSCOW)
    # January 1-8 are holidays, the 9th a transferred day off, the 10th-11th a weekend.
    first_day_back = datetime(2026, 1, 12, 10, tzinfo=MOSCOW)
    assert add_working_minutes(calendar, new_year, 60) == first_day_back
    assert working_minutes_between(calendar, new_year, first_day_back - timedelta(hours=1)) == 0


def test_russian_calendar_works_the_transferred_saturday() -> None:
    calendar = calendar_from_country("RU", [2025], time_zone="Europe/Moscow")
    friday_evening = datetime(2025, 10, 31, 17, 30, tzinfo=MOSCOW)
    saturday = datetime(2025, 11, 1, 9, 30, tzinfo=MOSCOW)
    assert add_working_minutes(calendar, friday_evening, 60) == saturday


def test_is_working_time_follows_the_local_wall_clock() -> None:
    assert is_working_time(OFFICE, berlin(10, 9))
    assert not is_working_time(OFFICE, berlin(10, 13))
    assert not is_working_time(OFFICE, berlin(14, 10))


def test_next_working_instant_is_the_next_opening() -> None:
    assert next_working_instant(OFFICE, berlin(10, 13, 5)) == berlin(10, 14)
    assert next_working_instant(OFFICE, berlin(10, 15)) == berlin(10, 15)


def test_overlapping_intervals_are_merged() -> None:
    calendar = WorkCalendar.weekly("UTC", [(600, 700), (540, 660), (700, 720)])
    assert calendar.week[0] == ((540, 720),)


@pytest.mark.parametrize("interval", [(600, 600), (-1, 60), (0, 1441), (700, 600)])
def test_invalid_interval_is_rejected(interval: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="invalid interval"):
        WorkCalendar.weekly("UTC", [interval])


def test_unknown_time_zone_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        WorkCalendar.always("Mars/Olympus_Mons")


def test_calendar_without_working_time_raises() -> None:
    with pytest.raises(ValueError, match="no working time"):
        add_working_minutes(WorkCalendar("UTC", ((),) * 7), utc(2026, 1, 1), 1)


def test_working_time_only_in_the_past_raises_after_the_scan_limit() -> None:
    calendar = WorkCalendar("UTC", ((),) * 7, ((date(2020, 1, 1), ((0, 60),)),))
    with pytest.raises(ValueError, match="no working time within"):
        add_working_minutes(calendar, utc(2026, 1, 1), 1)


def test_naive_datetime_is_rejected() -> None:
    with pytest.raises(ValueError, match="aware"):
        add_working_minutes(OFFICE, datetime(2026, 3, 10, 10), 1)  # noqa: DTZ001


def test_negative_minutes_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_minutes(OFFICE, berlin(10, 10), -1)


# --- properties against a minute-stepping reference -----------------------------------

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Europe/Moscow",
]
# Days with a DST change in Berlin, New York or Sydney, to start near them often.
TRANSITION_DAYS = [
    date(2025, 3, 9),
    date(2025, 3, 30),
    date(2025, 4, 6),
    date(2025, 10, 5),
    date(2025, 10, 26),
    date(2025, 11, 2),
    date(2026, 3, 8),
    date(2026, 3, 29),
    date(2026, 4, 5),
    date(2026, 10, 4),
    date(2026, 10, 25),
    date(2026, 11, 1),
    date(2027, 3, 14),
    date(2027, 3, 28),
    date(2027, 4, 4),
    date(2027, 10, 3),
    date(2027, 10, 31),
    date(2027, 11, 7),
]
FIRST_START = utc(2025, 1, 1)
STARTS_SPAN_MINUTES = 3 * 365 * 24 * 60


@dataclass(frozen=True)
class Scenario:
    """A random calendar kept as plain data for the reference, plus a start instant."""

    zone: ZoneInfo
    week: tuple[DaySchedule, ...]
    overrides: Mapping[date, DaySchedule]
    start: datetime

    @property
    def calendar(self) -> WorkCalendar:
        return WorkCalendar(self.zone.key, self.week, tuple(self.overrides.items()))

    def weekly_minutes(self) -> int:
        return sum(end - start for day in self.week for start, end in day)

    def is_working(self, instant: datetime) -> bool:
        """Naive rule: the local wall minute lies in an interval of the local date."""
        local = instant.astimezone(self.zone)
        schedule = self.overrides.get(local.date(), self.week[local.weekday()])
        minute = local.hour * 60 + local.minute
        return any(start <= minute < end for start, end in schedule)

    def add(self, minutes: int) -> datetime:
        """Step minute by minute, counting working minutes, until `minutes` are done."""
        instant, counted = self.start, 0
        while counted < minutes:
            counted += self.is_working(instant)
            instant += MINUTE
        return instant

    def count(self, minutes: int) -> int:
        """Working minutes among the `minutes` minutes after the start."""
        return sum(self.is_working(self.start + k * MINUTE) for k in range(minutes))

    def first_working(self) -> datetime:
        instant = self.start
        while not self.is_working(instant):
            instant += MINUTE
        return instant


def _pair_up(points: list[int]) -> DaySchedule:
    ordered = sorted(set(points))
    return tuple(zip(ordered[0::2], ordered[1::2], strict=False))


def _boundary(k: int) -> int:
    """0..48 are half hours (they hit the DST hours 02:00 and 03:00 often); then any minute."""
    return k * 30 if k <= 48 else k - 49


boundaries = st.integers(0, 49 + 1440).map(_boundary)
day_schedules = st.lists(boundaries, max_size=6).map(_pair_up)
uniform_starts = st.integers(0, STARTS_SPAN_MINUTES).map(lambda k: FIRST_START + k * MINUTE)
near_transitions = st.builds(
    lambda day, k: datetime(day.year, day.month, day.day, tzinfo=UTC) + k * MINUTE,
    st.sampled_from(TRANSITION_DAYS),
    st.integers(-3 * 1440, 1440),
)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    start = draw(st.one_of(uniform_starts, near_transitions))
    week = draw(st.lists(day_schedules, min_size=7, max_size=7).filter(any))
    offsets = st.integers(-1, 10).map(lambda k: start.date() + timedelta(days=k))
    overrides = draw(st.dictionaries(offsets, day_schedules, max_size=4))
    zone = ZoneInfo(draw(st.sampled_from(ZONES)))
    return Scenario(zone, tuple(week), overrides, start)


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.integers(0, 3000))
def test_add_working_minutes_matches_the_reference(scenario: Scenario, minutes: int) -> None:
    minutes = min(minutes, scenario.weekly_minutes())
    deadline = add_working_minutes(scenario.calendar, scenario.start, minutes)
    assert deadline == scenario.add(minutes)
    assert working_minutes_between(scenario.calendar, scenario.start, deadline) == minutes
    assert next_working_instant(scenario.calendar, scenario.start) == scenario.first_working()


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.integers(0, 3 * 1440), st.integers(0, 3 * 86_400 * 1_000_000))
def test_working_minutes_between_matches_the_reference(
    scenario: Scenario, minutes: int, microseconds: int
) -> None:
    end = scenario.start + minutes * MINUTE
    assert working_minutes_between(scenario.calendar, scenario.start, end) == scenario.count(
        minutes
    )
    instant = scenario.start + timedelta(microseconds=microseconds)
    assert is_working_time(scenario.calendar, instant) == scenario.is_working(instant)


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.integers(0, 59_999_999), st.integers(0, 5000))
def test_round_trip_from_an_unaligned_start(
    scenario: Scenario, microseconds: int, minutes: int
) -> None:
    start = scenario.start + timedelta(microseconds=microseconds)
    deadline = add_working_minutes(scenario.calendar, start, minutes)
    assert working_minutes_between(scenario.calendar, start, deadline) == minutes
    assert working_seconds_between(scenario.calendar, start, deadline) == minutes * 60
