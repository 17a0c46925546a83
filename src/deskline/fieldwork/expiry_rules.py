"""Which expiry reminder is due (pure, no ORM): steps are days before the expiry date, each sent
once; when several are due at once (the item was added late, the job did not run) only the
nearest is sent and the others are recorded as passed, so nobody gets three mails in a day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


def clean_steps(raw: Iterable[object]) -> tuple[int, ...]:
    """Whole days 1 to 3650, largest first, no repeats; ValueError naming the bad value."""
    steps = set()
    for value in raw:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3650:
            raise ValueError(f"{value!r}: a step is a whole number of days, 1 to 3650")
        steps.add(value)
    return tuple(sorted(steps, reverse=True))


@dataclass(frozen=True)
class Due:
    send: int
    #: Every step to record as done (the one sent and the larger ones passed without a mail).
    record: tuple[int, ...]


def due_step(
    *, expires_on: dt.date, today: dt.date, steps: Iterable[int], sent: Iterable[int] = ()
) -> Due | None:
    """The reminder to send today for an item expiring on `expires_on`, if any."""
    if today > expires_on:
        return None
    left = (expires_on - today).days
    reached = sorted(s for s in set(steps) if s >= left)
    done = set(sent)
    if not reached or reached[0] in done:
        return None
    return Due(send=reached[0], record=tuple(s for s in reached if s not in done))


def days_left(expires_on: dt.date, today: dt.date) -> int:
    return (expires_on - today).days
