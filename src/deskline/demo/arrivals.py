"""When demo tickets arrive (pure): daily and weekly seasonality and Russia's public holidays.

A moment's weight is its hour's weight times its day's factor. The day factor follows what a
Moscow service desk sees: Monday busiest, Friday lighter, weekends a third of a weekday, public
holidays (the `holidays` package, as the default work calendar uses) a fifth, the eve of a
holiday lighter and the first working day after days off that held a holiday busier (the
backlog of the break), and a weekend the government made a working day counted as a weekday.
`creation_times` samples moments by rejection against these weights, so the load forecast has
real seasonality and holiday effects to find.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import lru_cache

import holidays as holidays_lib

from deskline.analytics.forecast import AFTER_BREAK, EVE, HOLIDAY, day_kind

COUNTRY = "RU"
#: Hour-of-day weights (Moscow time).
HOUR_WEIGHTS = (
    0.1, 0.08, 0.06, 0.05, 0.05, 0.08, 0.2, 0.45, 0.8, 1.0, 1.0, 0.95,
    0.9, 0.95, 1.0, 0.95, 0.9, 0.8, 0.6, 0.45, 0.35, 0.25, 0.18, 0.12,
)  # fmt: skip
#: Day factors, Monday first.
WEEKDAY_FACTORS = (1.15, 1.05, 1.0, 0.98, 0.9, 0.35, 0.28)
HOLIDAY_FACTOR = 0.2
#: A transferred working day (a Saturday worked instead of a bridge day): a light weekday.
WORKED_WEEKEND_FACTOR = 0.9
EVE_FACTOR = 0.85
AFTER_BREAK_FACTOR = 1.25
MAX_WEIGHT = max(HOUR_WEIGHTS) * max(WEEKDAY_FACTORS) * AFTER_BREAK_FACTOR
MSK = dt.timezone(dt.timedelta(hours=3))


@lru_cache(maxsize=16)
def _holidays(year: int) -> holidays_lib.HolidayBase:
    return holidays_lib.country_holidays(COUNTRY, years=[year])


def is_holiday(day: dt.date) -> bool:
    return day in _holidays(day.year)


def is_working_day(day: dt.date) -> bool:
    """Mon-Fri unless a public holiday, or a weekend the calendar made a working day."""
    if is_holiday(day):
        return False
    return day.weekday() < 5 or day in _holidays(day.year).weekend_workdays


@lru_cache(maxsize=4096)
def day_factor(day: dt.date) -> float:
    """How busy a (Moscow) day is against an ordinary Wednesday."""
    kind = day_kind(day, is_holiday=is_holiday, is_working=is_working_day)
    if kind == HOLIDAY:
        return HOLIDAY_FACTOR
    if not is_working_day(day):
        return WEEKDAY_FACTORS[day.weekday()]
    factor = WORKED_WEEKEND_FACTOR if day.weekday() >= 5 else WEEKDAY_FACTORS[day.weekday()]
    return factor * {EVE: EVE_FACTOR, AFTER_BREAK: AFTER_BREAK_FACTOR}.get(kind, 1.0)


def arrival_weight(moment: dt.datetime) -> float:
    """The relative arrival rate at `moment` (aware), between 0 and MAX_WEIGHT."""
    local = moment.astimezone(MSK)
    return HOUR_WEIGHTS[local.hour] * day_factor(local.date())


def creation_times(
    rng: random.Random, start: dt.datetime, end: dt.datetime, count: int
) -> list[dt.datetime]:
    """`count` sorted moments in [start, end), spread by `arrival_weight`."""
    span = (end - start).total_seconds()
    out: list[dt.datetime] = []
    while len(out) < count:
        moment = start + dt.timedelta(seconds=rng.random() * span)
        if rng.random() * MAX_WEIGHT < arrival_weight(moment):
            out.append(moment)
    out.sort()
    return out
