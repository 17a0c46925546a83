"""What is wrong with a proposed visit time before the dispatcher saves it (pure: no ORM).

Four checks, each a `Conflict` with a code and the values a message needs: the engineer already
has a visit then (overlap), the time is outside the engineer's working hours (off_hours), the
site's calendar is closed then (site_closed), or the engineer cannot travel from the previous
visit in time, or on to the next one (travel). The caller reads the rows; this module decides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from deskline.fieldwork.geo import Point, travel_minutes


@dataclass(frozen=True)
class Slot:
    start: dt.datetime
    end: dt.datetime
    place: Point | None = None
    label: str = ""


@dataclass(frozen=True)
class Conflict:
    code: str  # overlap | off_hours | site_closed | travel
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class WorkingHours:
    """An engineer's day: from `start` to `end` local time on `weekdays` (0 = Monday)."""

    start: dt.time = dt.time(9)
    end: dt.time = dt.time(18)
    weekdays: frozenset[int] = frozenset(range(5))
    time_zone: str = "UTC"


def shifts(
    hours: WorkingHours, first: dt.date, last: dt.date
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The engineer's working intervals (aware datetimes) on each day from first to last."""
    zone = ZoneInfo(hours.time_zone)
    out = []
    day = first
    while day <= last:
        if day.weekday() in hours.weekdays and hours.end > hours.start:
            out.append((dt.datetime.combine(day, hours.start, zone),
                        dt.datetime.combine(day, hours.end, zone)))  # fmt: skip
        day += dt.timedelta(days=1)
    return out


def within_hours(slot: Slot, hours: WorkingHours) -> bool:
    zone = ZoneInfo(hours.time_zone)
    first = slot.start.astimezone(zone).date()
    last = slot.end.astimezone(zone).date()
    return any(s <= slot.start and slot.end <= e for s, e in shifts(hours, first, last))


def _travel(a: Slot, b: Slot, speed_kmh: float) -> Conflict | None:
    """b follows a: is the gap between them enough to drive from a's place to b's?"""
    if a.place is None or b.place is None:
        return None
    needed = travel_minutes(a.place, b.place, speed_kmh=speed_kmh)
    gap = int((b.start - a.end).total_seconds() // 60)
    if gap >= needed:
        return None
    return Conflict("travel", {"from": a.label, "to": b.label, "needed": needed, "gap": gap})


def visit_conflicts(
    proposed: Slot,
    others: Iterable[Slot],
    *,
    hours: WorkingHours | None,
    site_open: bool | None,
    speed_kmh: float,
) -> list[Conflict]:
    """Every conflict of `proposed` with the engineer's other visits, hours and the site."""
    if proposed.end <= proposed.start:
        raise ValueError("a visit ends after it starts")
    found: list[Conflict] = []
    ordered: Sequence[Slot] = sorted(others, key=lambda s: (s.start, s.end))
    for other in ordered:
        if other.start < proposed.end and proposed.start < other.end:
            found.append(Conflict("overlap", {"with": other.label, "start": other.start,
                                              "end": other.end}))  # fmt: skip
    if hours is not None and not within_hours(proposed, hours):
        found.append(Conflict("off_hours", {"start": hours.start, "end": hours.end}))
    if site_open is False:
        found.append(Conflict("site_closed"))
    before = [s for s in ordered if s.end <= proposed.start]
    after = [s for s in ordered if s.start >= proposed.end]
    for pair in ((before[-1], proposed) if before else None,
                 (proposed, after[0]) if after else None):  # fmt: skip
        if pair is not None and (travel := _travel(*pair, speed_kmh)) is not None:
            found.append(travel)
    return found
