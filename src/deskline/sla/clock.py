"""SLA work-calendar arithmetic: pure functions over working time, no ORM and no I/O.

This module owns the answer to two questions: "when have N working minutes elapsed
since this instant?" and "how much working time lies between these two instants?".

Model
-----
A `WorkCalendar` has an IANA time zone, a weekly schedule (Monday..Sunday) and per-date
overrides. A day's schedule is a tuple of intervals `(start, end)` in *minutes from local
midnight*, `0 <= start < end <= 1440`, half-open: `(540, 1080)` is 09:00-18:00 and
`(0, 1440)` is the whole day. An override replaces the weekly schedule for one local
date: an empty tuple makes it a day off (a holiday), intervals make it a working or a
shortened day (a transferred working Saturday, a pre-holiday day).

Semantics
---------
An instant is *working* iff its local wall-clock time lies in `[start, end)` of one of
the intervals of its local date. Everything else follows from that one rule:

* in a spring-forward gap the missing wall times are never reached, so a 00:00-04:00
  interval holds three real hours;
* in a fall-back overlap the repeated wall-clock hour is working twice, so a 00:00-04:00
  interval holds five real hours;
* working time is real elapsed time, measured in UTC.

Internally each local day's intervals become a tuple of UTC segments (microseconds since
the epoch), cached per (zone, date, schedule); the arithmetic walks those segments, never
minutes. Zone offset transitions are located by sampling every three hours and bisecting,
so two transitions less than three hours apart are not seen (none exist in tzdata).
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib

Interval = tuple[int, int]
"""Working interval in minutes from local midnight, half-open: `(540, 1080)` = 09:00-18:00."""
DaySchedule = tuple[Interval, ...]
"""A day's working intervals, sorted and disjoint; empty means a day off."""
Segment = tuple[int, int]
"""Half-open span of working time in UTC microseconds since the epoch."""

MINUTES_PER_DAY = 1440
MAX_IDLE_DAYS = 3660
"""add_working_minutes gives up after this many consecutive days without working time."""

_DAY_S = 86_400
_US = 1_000_000
_DAY_US = _DAY_S * _US
_MINUTE_US = 60 * _US
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = _EPOCH.date().toordinal()
_BLOCK_S = 1 << 22  # about 48.5 days of zone-offset data per cache entry
_SAMPLE_S = 3 * 3600


def span(start: str, end: str) -> Interval:
    """Interval from "HH:MM" wall-clock strings; "24:00" is the end of the day."""
    return _parse_hhmm(start), _parse_hhmm(end)


def _parse_hhmm(text: str) -> int:
    hours, _, minutes = text.partition(":")
    value = int(hours) * 60 + int(minutes or "0")
    if not 0 <= value <= MINUTES_PER_DAY:
        raise ValueError(f"time of day out of range: {text!r}")
    return value


def normalize_schedule(intervals: Iterable[Interval]) -> DaySchedule:
    """Validate intervals and return them sorted, with overlapping or touching ones merged."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if not 0 <= start < end <= MINUTES_PER_DAY:
            raise ValueError(f"invalid interval ({start}, {end}): need 0 <= start < end <= 1440")
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


@dataclass(frozen=True)
class WorkCalendar:
    """Working time of one team: a zone, a weekly schedule and per-date overrides.

    `week` has 7 day schedules, Monday first. `overrides` pairs a local date with the
    schedule that replaces the weekly one on that date (empty = day off). Schedules are
    normalised on construction; the calendar is immutable and hashable.
    """

    time_zone: str
    week: tuple[DaySchedule, ...]
    overrides: tuple[tuple[date, DaySchedule], ...] = ()
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _by_ordinal: dict[int, DaySchedule] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValueError("week needs exactly 7 day schedules, Monday first")
        week = tuple(normalize_schedule(day) for day in self.week)
        overrides = tuple(sorted((day, normalize_schedule(s)) for day, s in self.overrides))
        by_ordinal = {day.toordinal(): s for day, s in overrides}
        if len(by_ordinal) != len(overrides):
            raise ValueError("a date may be overridden only once")
        object.__setattr__(self, "week", week)
        object.__setattr__(self, "overrides", overrides)
        object.__setattr__(self, "_zone", _load_zone(self.time_zone))
        object.__setattr__(self, "_by_ordinal", by_ordinal)

    @classmethod
    def always(cls, time_zone: str = "UTC") -> WorkCalendar:
        """24/7: every instant is working time."""
        whole_day: DaySchedule = ((0, MINUTES_PER_DAY),)
        return cls(time_zone, (whole_day,) * 7)

    @classmethod
    def weekly(
        cls,
        time_zone: str,
        hours: Iterable[Interval],
        workdays: Iterable[int] = range(5),
    ) -> WorkCalendar:
        """The same `hours` on each of `workdays` (0 = Monday), other weekdays off."""
        schedule = normalize_schedule(hours)
        chosen = set(workdays)
        return cls(time_zone, tuple(schedule if wd in chosen else () for wd in range(7)))

    def with_overrides(self, overrides: Mapping[date, Iterable[Interval]]) -> WorkCalendar:
        """A copy where `overrides` replace the schedule of their dates (they win on clashes)."""
        merged = dict(self.overrides)
        merged.update((day, normalize_schedule(s)) for day, s in overrides.items())
        return WorkCalendar(self.time_zone, self.week, tuple(merged.items()))

    def with_days_off(self, days: Iterable[date]) -> WorkCalendar:
        """A copy where `days` are days off (holidays)."""
        return self.with_overrides(dict.fromkeys(days, ()))

    def with_working_days(
        self, days: Iterable[date], hours: Iterable[Interval] | None = None
    ) -> WorkCalendar:
        """A copy where `days` are working days with `hours`.

        `hours` defaults to the schedule of the first working weekday, Monday onwards,
        i.e. "a normal working day" (how transferred working Saturdays are worked).
        """
        schedule = self.standard_day() if hours is None else normalize_schedule(hours)
        return self.with_overrides(dict.fromkeys(days, schedule))

    def standard_day(self) -> DaySchedule:
        """Schedule of the first weekday that has working time; empty if none has."""
        return next((day for day in self.week if day), ())

    def schedule_for(self, day: date) -> DaySchedule:
        """The working intervals of a local date, overrides applied."""
        return self._schedule_for_ordinal(day.toordinal())

    def _schedule_for_ordinal(self, ordinal: int) -> DaySchedule:
        found = self._by_ordinal.get(ordinal)
        return self.week[(ordinal - 1) % 7] if found is None else found

    def _segments_for_ordinal(self, ordinal: int) -> tuple[Segment, ...]:
        schedule = self._schedule_for_ordinal(ordinal)
        return _day_segments(self.time_zone, ordinal, schedule) if schedule else ()

    def _has_working_time(self) -> bool:
        return any(self.week) or any(schedule for _, schedule in self.overrides)


def calendar_from_country(
    country: str,
    years: Iterable[int],
    *,
    time_zone: str,
    hours: Iterable[Interval] = ((9 * 60, 18 * 60),),
    subdiv: str | None = None,
) -> WorkCalendar:
    """Calendar of a country's public holidays from the `holidays` package.

    The country's weekend days are off and the other weekdays get `hours`. Holidays
    (including transferred days off) become days off; the package's `weekend_workdays`
    (e.g. Russia's transferred working Saturdays) become working days with `hours`.
    A holiday wins if a date is both.

    Limit: `holidays` does not expose pre-holiday shortened days (Russia works one hour
    less before a holiday); add them with `WorkCalendar.with_overrides`.
    """
    table = holidays_lib.country_holidays(country, subdiv=subdiv, years=list(years))
    days_off = set(table.keys())
    schedule = normalize_schedule(hours)
    week = tuple(() if wd in table.weekend else schedule for wd in range(7))
    calendar = WorkCalendar(time_zone, week)
    workdays = {day for day in table.weekend_workdays if day not in days_off}
    return calendar.with_working_days(workdays, schedule).with_days_off(days_off)


def is_working_time(calendar: WorkCalendar, instant: datetime) -> bool:
    """Whether `instant`'s local wall-clock time lies in an interval of its local date."""
    local = _require_aware(instant).astimezone(calendar._zone)
    second_of_day = local.hour * 3600 + local.minute * 60 + local.second
    us_of_day = second_of_day * _US + local.microsecond
    schedule = calendar.schedule_for(local.date())
    return any(start * _MINUTE_US <= us_of_day < end * _MINUTE_US for start, end in schedule)


def next_working_instant(calendar: WorkCalendar, instant: datetime) -> datetime:
    """`instant` in UTC if it is working time, else the start of the next working time."""
    now = _to_us(instant)
    for start, _ in _segments_from(calendar, now):
        return _from_us(max(start, now))
    raise AssertionError("unreachable: _segments_from never ends without a stop")


def add_working_minutes(calendar: WorkCalendar, start: datetime, minutes: int) -> datetime:
    """The UTC instant at which `minutes` working minutes have elapsed since `start`.

    `start` may be in any zone (it must be aware). `minutes == 0` returns `start` itself
    (in UTC) even outside working time. If the last minute ends exactly where a working
    interval ends, that end is returned, not the start of the next interval. Raises
    ValueError for negative minutes or when no working time is found for
    `MAX_IDLE_DAYS` consecutive days.
    """
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    now = _to_us(start)
    remaining = minutes * _MINUTE_US
    if remaining == 0:
        return _from_us(now)
    for seg_start, seg_end in _segments_from(calendar, now):
        available = seg_end - max(seg_start, now)
        if available >= remaining:
            return _from_us(max(seg_start, now) + remaining)
        remaining -= available
    raise AssertionError("unreachable: _segments_from never ends without a stop")


def working_seconds_between(calendar: WorkCalendar, start: datetime, end: datetime) -> int:
    """Whole seconds of working time in `[start, end)` (floor); ValueError if end < start."""
    return _working_us_between(calendar, start, end) // _US


def working_minutes_between(calendar: WorkCalendar, start: datetime, end: datetime) -> int:
    """Whole minutes of working time in `[start, end)` (floor); ValueError if end < start.

    Consistent with add_working_minutes: for any m >= 0,
    `working_minutes_between(c, s, add_working_minutes(c, s, m)) == m`.
    """
    return _working_us_between(calendar, start, end) // _MINUTE_US


def _working_us_between(calendar: WorkCalendar, start: datetime, end: datetime) -> int:
    low, high = _to_us(start), _to_us(end)
    if high < low:
        raise ValueError("end must not be before start")
    total = 0
    for seg_start, seg_end in _segments_from(calendar, low, stop=high):
        total += max(0, min(seg_end, high) - max(seg_start, low))
    return total


def _segments_from(calendar: WorkCalendar, now: int, stop: int | None = None) -> Iterator[Segment]:
    """Working segments that end after `now`, in UTC order.

    Days are visited in order and their segments pass through a heap, because a
    fall-back across midnight can put some of day D's instants after day D+1's.
    Every instant of a local date lies within a day of its naive midnight (offsets are
    under 24 hours), so once day D is in, no later day can start before D's midnight.
    With `stop`, ends once no later segment can start before `stop`; without it, raises
    ValueError after MAX_IDLE_DAYS consecutive days without working time.
    """
    if stop is None and not calendar._has_working_time():
        raise ValueError("the calendar has no working time")
    pending: list[Segment] = []
    ordinal = _EPOCH_ORDINAL + now // _DAY_US - 2
    idle_days = 0
    while stop is not None or idle_days <= MAX_IDLE_DAYS:
        segments = calendar._segments_for_ordinal(ordinal)
        for segment in segments:
            if segment[1] > now:
                heapq.heappush(pending, segment)
        cutoff = (ordinal - _EPOCH_ORDINAL) * _DAY_US
        while pending and pending[0][0] <= cutoff:
            yield heapq.heappop(pending)
        if stop is not None and cutoff >= stop:
            return
        idle_days = 0 if segments else idle_days + 1
        ordinal += 1
    raise ValueError(f"no working time within {MAX_IDLE_DAYS} days")


@lru_cache(maxsize=16_384)
def _day_segments(time_zone: str, ordinal: int, schedule: DaySchedule) -> tuple[Segment, ...]:
    """UTC segments (microseconds) of the instants of one local date inside `schedule`.

    An instant t is inside a wall interval [a, b) iff a <= t + offset(t) < b; within a
    piece of constant offset that is [a - offset, b - offset) clipped to the piece.
    """
    midnight = (ordinal - _EPOCH_ORDINAL) * _DAY_S  # local midnight as naive seconds
    pieces = _offset_pieces(time_zone, midnight - _DAY_S, midnight + 2 * _DAY_S)
    found = sorted(
        (max(low, midnight + start * 60 - offset), min(high, midnight + end * 60 - offset))
        for start, end in schedule
        for low, high, offset in pieces
    )
    segments: list[Segment] = []
    for low, high in found:
        if low >= high:
            continue
        if segments and low <= segments[-1][1]:
            segments[-1] = (segments[-1][0], max(high, segments[-1][1]))
        else:
            segments.append((low, high))
    return tuple((low * _US, high * _US) for low, high in segments)


def _offset_pieces(time_zone: str, low: int, high: int) -> list[tuple[int, int, int]]:
    """Split [low, high) (UTC seconds) into pieces of constant offset: (start, end, offset)."""
    pieces: list[tuple[int, int, int]] = []
    piece_start = low
    offset, _ = _block_transitions(time_zone, low // _BLOCK_S)
    for block in range(low // _BLOCK_S, (high - 1) // _BLOCK_S + 1):
        for moment, new_offset in _block_transitions(time_zone, block)[1]:
            if moment <= low:
                offset = new_offset
            elif moment < high:
                pieces.append((piece_start, moment, offset))
                piece_start, offset = moment, new_offset
    pieces.append((piece_start, high, offset))
    return pieces


@lru_cache(maxsize=1024)
def _block_transitions(time_zone: str, block: int) -> tuple[int, tuple[tuple[int, int], ...]]:
    """Offset at the block's start and its transitions as (UTC second, offset after)."""
    zone = ZoneInfo(time_zone)
    start = block * _BLOCK_S
    end = start + _BLOCK_S
    first = _offset_at(zone, start)
    transitions: list[tuple[int, int]] = []
    known_at, known = start, first
    while known_at < end:
        probe = min(known_at + _SAMPLE_S, end)
        if _offset_at(zone, probe) == known:
            known_at = probe
            continue
        known_at = _first_change(zone, known_at, probe, known)
        known = _offset_at(zone, known_at)
        if known_at < end:
            transitions.append((known_at, known))
    return first, tuple(transitions)


def _first_change(zone: ZoneInfo, low: int, high: int, offset: int) -> int:
    """Smallest second in (low, high] whose offset differs from `offset` (high's does)."""
    while high - low > 1:
        middle = (low + high) // 2
        if _offset_at(zone, middle) == offset:
            low = middle
        else:
            high = middle
    return high


def _offset_at(zone: ZoneInfo, second: int) -> int:
    """UTC offset in seconds of `zone` at a UTC instant (seconds since the epoch)."""
    offset = datetime.fromtimestamp(second, tz=zone).utcoffset()
    if offset is None:
        raise ValueError(f"zone {zone.key} has no UTC offset")
    return offset // timedelta(seconds=1)


def _load_zone(time_zone: str) -> ZoneInfo:
    try:
        return ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone: {time_zone!r}") from error


def _require_aware(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("an aware datetime is required")
    return instant


def instant_to_us(instant: datetime) -> int:
    """An aware datetime as UTC microseconds since the epoch (the index's unit)."""
    return _to_us(instant)


def us_to_instant(us: int) -> datetime:
    """UTC microseconds since the epoch as an aware UTC datetime."""
    return _from_us(us)


def _to_us(instant: datetime) -> int:
    return (_require_aware(instant) - _EPOCH) // timedelta(microseconds=1)


def _from_us(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


class WorkingTimeIndex:
    """Working time of one calendar over a span, indexed for many queries (bulk recomputes).

    The span's segments are laid end to end with prefix sums, so `add_working_minutes` and
    `working_minutes_between` become two binary searches instead of a walk over days. Results
    are identical to the module functions; queries reaching outside the span fall back to them.
    """

    def __init__(self, calendar: WorkCalendar, start: datetime, end: datetime) -> None:
        self.calendar = calendar
        self._low, self._high = _to_us(start), _to_us(end)
        starts: list[int] = []
        ends: list[int] = []
        before: list[int] = []  # working time in the span before each segment
        total = 0
        for seg_start, seg_end in _segments_from(calendar, self._low, stop=self._high):
            if ends and seg_start < ends[-1]:  # defensive: merge an overlap
                total += max(0, seg_end - ends[-1])
                ends[-1] = max(ends[-1], seg_end)
                continue
            starts.append(seg_start)
            ends.append(seg_end)
            before.append(total)
            total += seg_end - seg_start
        self._starts, self._ends, self._before = starts, ends, before
        self._after = [b + (e - s) for s, e, b in zip(starts, ends, before, strict=True)]

    def _position(self, us: int) -> int | None:
        """Working time in the span before `us`; None if `us` is not safely inside it."""
        if not self._low <= us or not self._ends or us >= self._ends[-1]:
            return None
        i = bisect_right(self._ends, us)
        return self._before[i] + min(max(0, us - self._starts[i]), self._ends[i] - self._starts[i])

    def add_working_minutes(self, start: datetime, minutes: int) -> datetime:
        """Same result as the module's add_working_minutes(calendar, start, minutes)."""
        return _from_us(self.add_us(_to_us(start), minutes))

    def add_us(self, start_us: int, minutes: int) -> int:
        """add_working_minutes on UTC microseconds since the epoch (see instant_to_us)."""
        if minutes < 0:
            raise ValueError("minutes must not be negative")
        if minutes == 0:
            return start_us
        position = self._position(start_us)
        if position is not None:
            wanted = position + minutes * _MINUTE_US
            j = bisect_left(self._after, wanted)
            if j < len(self._after):
                return self._starts[j] + (wanted - self._before[j])
        return _to_us(add_working_minutes(self.calendar, _from_us(start_us), minutes))

    def working_minutes_between(self, start: datetime, end: datetime) -> int:
        """Same result as the module's working_minutes_between(calendar, start, end)."""
        return self.minutes_between_us(_to_us(start), _to_us(end))

    def minutes_between_us(self, low: int, high: int) -> int:
        """working_minutes_between on UTC microseconds since the epoch (see instant_to_us)."""
        if high < low:
            raise ValueError("end must not be before start")
        a, b = self._position(low), self._position(high)
        if a is None or b is None:
            return working_minutes_between(self.calendar, _from_us(low), _from_us(high))
        return (b - a) // _MINUTE_US
