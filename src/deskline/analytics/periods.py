"""Which period a scheduled report covers when it is due (pure, no ORM): the week before (Monday
to Sunday) or the month before, in the installation's calendar days."""

from __future__ import annotations

import datetime as dt


def previous_period(frequency: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The last complete week (Mon-Sun) or month before `today`."""
    if frequency == "monthly":
        end = today.replace(day=1) - dt.timedelta(days=1)
        return end.replace(day=1), end
    end = today - dt.timedelta(days=today.weekday() + 1)
    return end - dt.timedelta(days=6), end


def is_due(last_period_end: dt.date | None, period_end: dt.date) -> bool:
    """A period is mailed once: due when the last one mailed ended before it."""
    return last_period_end is None or last_period_end < period_end
