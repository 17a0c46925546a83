"""Calendar specifications as plain values, and their translation into a `WorkCalendar` (pure).

A stored calendar (see models.Calendar) is a weekly schedule written as text, a time zone, an
optional country (and subdivision) for public holidays, manual exceptions and a 24/7 switch.
This module parses and validates the text and builds the `WorkCalendar` the clock computes with,
so the ORM layer only has to copy columns into a `CalendarSpec`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import holidays as holidays_lib

from deskline.sla.clock import DaySchedule, WorkCalendar, normalize_schedule, span

DAY_OFF = "day_off"
WORKING_DAY = "working_day"
SHORTENED_DAY = "shortened_day"
EXCEPTION_KINDS = (DAY_OFF, WORKING_DAY, SHORTENED_DAY)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class ScheduleError(ValueError):
    """A schedule text that does not parse; the message says what is wrong."""


def parse_day(text: str) -> DaySchedule:
    """ "09:00-13:00, 14:00-18:00" -> ((540, 780), (840, 1080)); "" or "-" is a day off."""
    text = text.strip()
    if text in ("", "-"):
        return ()
    intervals = []
    for part in text.split(","):
        start, sep, end = part.strip().partition("-")
        if not sep:
            raise ScheduleError(f"{part.strip()!r} is not an interval like 09:00-18:00")
        try:
            intervals.append(span(start.strip(), end.strip()))
        except ValueError as exc:
            raise ScheduleError(f"{part.strip()!r}: {exc}") from exc
    try:
        return normalize_schedule(intervals)
    except ValueError as exc:
        raise ScheduleError(str(exc)) from exc


def format_day(schedule: DaySchedule) -> str:
    """The inverse of parse_day: ((540, 1080),) -> "09:00-18:00"; () -> ""."""
    return ", ".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in schedule)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_week(days: Sequence[str]) -> tuple[DaySchedule, ...]:
    """Seven day texts, Monday first."""
    if len(days) != 7:
        raise ScheduleError("the week needs 7 days, Monday first")
    return tuple(parse_day(day) for day in days)


@dataclass(frozen=True)
class ExceptionSpec:
    """A manual exception: a day off, an extra working day or a shortened day."""

    day: date
    kind: str
    hours: str = ""

    def schedule(self, standard: DaySchedule) -> DaySchedule:
        if self.kind == DAY_OFF:
            return ()
        parsed = parse_day(self.hours)
        if self.kind == SHORTENED_DAY and not parsed:
            raise ScheduleError("a shortened day needs its working hours")
        return parsed or standard


@dataclass(frozen=True)
class CalendarSpec:
    time_zone: str
    week: tuple[str, ...]
    always: bool = False
    country: str = ""
    subdiv: str = ""
    exceptions: tuple[ExceptionSpec, ...] = ()


def build_calendar(spec: CalendarSpec, years: Iterable[int]) -> WorkCalendar:
    """The WorkCalendar of `spec`; public holidays are loaded for `years`.

    Precedence per date: a manual exception, else a public holiday (off), else the country's
    transferred working day (worked with the standard day), else the weekly schedule.
    A 24/7 calendar ignores holidays and exceptions: it never stops.
    """
    if spec.always:
        return WorkCalendar.always(spec.time_zone)
    week = parse_week(spec.week)
    calendar = WorkCalendar(spec.time_zone, week)
    standard = calendar.standard_day()
    overrides: dict[date, DaySchedule] = {}
    if spec.country:
        table = holidays_lib.country_holidays(
            spec.country, subdiv=spec.subdiv or None, years=list(years)
        )
        overrides.update(dict.fromkeys(table.weekend_workdays, standard))
        overrides.update(dict.fromkeys(table.keys(), ()))
    for exception in spec.exceptions:
        overrides[exception.day] = exception.schedule(standard)
    return calendar.with_overrides(overrides) if overrides else calendar


def check_country(country: str, subdiv: str = "") -> None:
    """Raise ScheduleError if the holidays package does not know the country/subdivision."""
    try:
        holidays_lib.country_holidays(country, subdiv=subdiv or None, years=[2026])
    except NotImplementedError as exc:
        raise ScheduleError(f"unknown country or subdivision: {country} {subdiv}".strip()) from exc
