"""Deadline arithmetic on top of the clock (pure): targets, pauses and overrides.

A deadline is `target` working minutes after the ticket's creation plus the working minutes the
ticket has spent paused so far: the clock stops exactly for the paused working time, counted
once (each pause's working minutes are added to `paused_minutes` when it ends). An override is
an absolute instant set by a person; pauses that end after it move it by their working minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from deskline.sla.clock import (
    WorkCalendar,
    WorkingTimeIndex,
    add_working_minutes,
    working_minutes_between,
)


@dataclass(frozen=True)
class Override:
    due: datetime
    paused_minutes_then: int
    """The ticket's paused minutes when the override was set."""


def _add(calendar: WorkCalendar | WorkingTimeIndex, start: datetime, minutes: int) -> datetime:
    if isinstance(calendar, WorkingTimeIndex):
        return calendar.add_working_minutes(start, minutes)
    return add_working_minutes(calendar, start, minutes)


def deadline(
    calendar: WorkCalendar | WorkingTimeIndex,
    created_at: datetime,
    target_minutes: int | None,
    paused_minutes: int,
    override: Override | None = None,
) -> datetime | None:
    """The due instant, or None when there is no target (and no override).

    `calendar` may be a WorkingTimeIndex (same results, faster for many tickets).
    """
    if override is not None:
        later = max(0, paused_minutes - override.paused_minutes_then)
        return _add(calendar, override.due, later)
    if target_minutes is None:
        return None
    return _add(calendar, created_at, target_minutes + paused_minutes)


def between(calendar: WorkCalendar | WorkingTimeIndex, start: datetime, end: datetime) -> int:
    if isinstance(calendar, WorkingTimeIndex):
        return calendar.working_minutes_between(start, end)
    return working_minutes_between(calendar, start, end)


def pause_minutes(
    calendar: WorkCalendar | WorkingTimeIndex, since: datetime, until: datetime
) -> int:
    """Working minutes of one pause (0 when it ends before it starts, e.g. clock skew)."""
    if until <= since:
        return 0
    return between(calendar, since, until)


def active_minutes(
    calendar: WorkCalendar | WorkingTimeIndex,
    created_at: datetime,
    now: datetime,
    paused_minutes: int,
    paused_since: datetime | None,
) -> int:
    """Working minutes the clock has run since creation: elapsed minus paused (ongoing too)."""
    elapsed = between(calendar, created_at, max(now, created_at))
    ongoing = pause_minutes(calendar, paused_since, now) if paused_since is not None else 0
    return max(0, elapsed - paused_minutes - ongoing)
