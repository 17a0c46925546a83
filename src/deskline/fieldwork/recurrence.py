"""Planned-maintenance dates (pure, no ORM): RFC 5545 recurrence rules read by python-dateutil,
operating-hour counter thresholds, and moving a date to the site's next working day.

A plan's rule is an RRULE value such as ``FREQ=MONTHLY;INTERVAL=3`` (every three months from the
start date) or ``FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO`` (the first Monday of each quarter when the
start is the first day of a quarter). The plan's start date is the rule's DTSTART; dates are whole
days (maintenance is planned by the day, not the hour), so rules finer than a day are refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import lru_cache

from dateutil.rrule import DAILY, rrule, rrulestr

#: How far a rule must produce a first date: a rule that never fires is a mistake.
FIRST_DATE_WITHIN_YEARS = 10
#: The longest a working-day search goes on (a calendar closed for a year is broken).
MAX_SHIFT_DAYS = 366
_FORBIDDEN_PARTS = ("DTSTART", "BYHOUR", "BYMINUTE", "BYSECOND")


class RuleError(ValueError):
    """A recurrence rule that cannot be used; the message says why."""


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())  # noqa: DTZ001 - dates only, no zone involved


def _clean_text(text: str) -> str:
    cleaned = "".join(text.split()).upper()
    if cleaned.startswith("RRULE:"):
        cleaned = cleaned[len("RRULE:") :]
    return cleaned


@lru_cache(maxsize=4096)
def _parse(text: str, start: dt.date) -> rrule:
    cleaned = _clean_text(text)
    if not cleaned:
        raise RuleError("the rule is empty")
    parts = {p.partition("=")[0] for p in cleaned.split(";")}
    for forbidden in _FORBIDDEN_PARTS:
        if forbidden in parts:
            raise RuleError(f"{forbidden} is not allowed: the plan's start date is the start")
    if "FREQ" not in parts:
        raise RuleError("the rule needs FREQ (e.g. FREQ=MONTHLY;INTERVAL=3)")
    try:
        rule = rrulestr(cleaned, dtstart=_midnight(start))
    except (ValueError, TypeError) as exc:
        raise RuleError(f"not a recurrence rule: {exc}") from exc
    if not isinstance(rule, rrule):
        raise RuleError("one RRULE, please")
    if rule._freq > DAILY:  # HOURLY, MINUTELY, SECONDLY
        raise RuleError("maintenance is planned by the day: FREQ must be DAILY or longer")
    return rule


def check_rule(text: str, start: dt.date) -> str:
    """The rule as stored (upper case, no spaces, no RRULE: prefix), or RuleError."""
    rule = _parse(text, start)
    limit = _midnight(start.replace(year=start.year + FIRST_DATE_WITHIN_YEARS, day=1))
    first = rule.after(_midnight(start), inc=True)
    if first is None or first > limit:
        raise RuleError(f"the rule gives no date within {FIRST_DATE_WITHIN_YEARS} years")
    return _clean_text(text)


def dates_between(text: str, start: dt.date, first: dt.date, last: dt.date) -> list[dt.date]:
    """The rule's dates from `first` to `last`, both included, in order."""
    if last < first:
        return []
    rule = _parse(text, start)
    return [d.date() for d in rule.between(_midnight(first), _midnight(last), inc=True)]


def next_dates(text: str, start: dt.date, after: dt.date, count: int) -> list[dt.date]:
    """Up to `count` dates of the rule on or after `after`."""
    rule = _parse(text, start)
    out: list[dt.date] = []
    moment = _midnight(after)
    include = True
    while len(out) < count:
        found = rule.after(moment, inc=include)
        if found is None:
            break
        out.append(found.date())
        moment, include = found, False
    return out


def next_date(text: str, start: dt.date, after: dt.date) -> dt.date | None:
    found = next_dates(text, start, after, 1)
    return found[0] if found else None


def is_date_of(text: str, start: dt.date, day: dt.date) -> bool:
    return dates_between(text, start, day, day) == [day]


def to_working_day(day: dt.date, is_working: Callable[[dt.date], bool]) -> dt.date:
    """`day` if the site works that day, else the next day it does (or `day` when the calendar
    has no working day within a year: better a ticket on a closed day than none)."""
    for offset in range(MAX_SHIFT_DAYS):
        candidate = day + dt.timedelta(days=offset)
        if is_working(candidate):
            return candidate
    return day


def counter_mark(last_mark: int, every: int, value: float) -> int | None:
    """The highest threshold `last_mark + k * every` (k >= 1) that `value` has reached, or None.

    A counter that jumps past several thresholds at once gives one maintenance (the last one),
    not a ticket per skipped threshold.
    """
    if every <= 0 or value < last_mark + every:
        return None
    return last_mark + int((value - last_mark) // every) * every


def create_on(scheduled: dt.date, lead_days: int) -> dt.date:
    """The day the ticket for a visit on `scheduled` is created."""
    return scheduled - dt.timedelta(days=lead_days)


def first_open(dates: Iterable[dt.date], taken: set[dt.date]) -> dt.date | None:
    """The first of `dates` not in `taken` (skipped or already created occurrences)."""
    return next((d for d in dates if d not in taken), None)


def first_cursor(
    text: str, start: dt.date, ends_on: dt.date | None, lead_days: int, today: dt.date
) -> tuple[dt.date | None, dt.date]:
    """A plan's scheduler cursor from today: (its first date from today on, the day its ticket
    is due to be created); (None, date.max) when the plan has no date left."""
    first = next_date(text, start, max(today, start))
    if first is None or (ends_on is not None and first > ends_on):
        return None, dt.date.max
    return first, create_on(first, lead_days)
