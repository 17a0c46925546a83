"""Why a ticket breached its SLA, from its history (pure, no ORM): how long it spent in each
status and how many times it changed hands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class StatusStep:
    at: dt.datetime
    before: str
    after: str


def status_seconds(
    *, created_at: dt.datetime, first_status: str, steps: Sequence[StatusStep], end: dt.datetime
) -> dict[str, float]:
    """Seconds spent in each status from creation to `end` (the resolution, or now)."""
    spent: dict[str, float] = {}
    current, since = first_status, created_at
    for step in sorted(steps, key=lambda s: s.at):
        if step.at > end:
            break
        spent[current] = spent.get(current, 0.0) + max(0.0, (step.at - since).total_seconds())
        current, since = step.after, step.at
    spent[current] = spent.get(current, 0.0) + max(0.0, (end - since).total_seconds())
    return {status: seconds for status, seconds in spent.items() if seconds > 0}


def handovers(assignees: Iterable[tuple[object, object]]) -> int:
    """Changes of hands: an assignee or team replaced by another (a first assignment is none)."""
    return sum(1 for before, after in assignees if before not in (None, 0, "") and before != after)


def first_status_of(steps: Sequence[StatusStep], current: str) -> str:
    """The status a ticket was created in: the first change's `before`, or its current one."""
    return min(steps, key=lambda s: s.at).before if steps else current


def describe(seconds: dict[str, float], names: dict[str, str]) -> str:
    """ "In progress 3.5 h; Waiting for the client 20.0 h", longest first."""
    parts = sorted(seconds.items(), key=lambda item: -item[1])
    return "; ".join(f"{names.get(code, code)} {secs / 3600:.1f} h" for code, secs in parts)
