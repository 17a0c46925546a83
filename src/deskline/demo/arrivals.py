"""When demo tickets arrive (pure): a growth trend, daily and weekly seasonality and Russia's
public holidays.

A moment's weight is its hour's weight times its day's factor. The day factor follows what a
Moscow service desk sees: Monday busiest, Friday lighter, weekends a third of a weekday, public
holidays (the `holidays` package, as the default work calendar uses) a fifth, the eve of a
holiday lighter and the first working day after days off that held a holiday busier (the
backlog of the break), and a weekend the government made a working day counted as a weekday.
On top of that the desk grows: arrivals rise by GROWTH_PER_YEAR (compounded smoothly), so a
year's last month is busier than its first and the forecast's trend has something to find.
`creation_times` samples moments by rejection against these weights, so the load forecast has
real trend, seasonality and holiday effects to find; `window_cuts` splits a period into
windows holding given shares of the arrivals (the generator writes batch by batch).
"""

from __future__ import annotations

import datetime as dt
import math
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
#: Year-on-year growth of the arrivals: gentle, as a growing client base gives.
GROWTH_PER_YEAR = 0.15
_YEAR_SECONDS = 365.25 * 86_400
_RATE = math.log1p(GROWTH_PER_YEAR) / _YEAR_SECONDS  # per second


def growth(moment: dt.datetime, origin: dt.datetime) -> float:
    """How much busier `moment` is than `origin` by the trend alone."""
    return math.exp(_RATE * (moment - origin).total_seconds())


def window_cuts(start: dt.datetime, end: dt.datetime, shares: list[float]) -> list[dt.datetime]:
    """For each share (0..1, ascending), the moment by which that share of the period's
    arrivals have come, by the full weight (trend, hour, day, holidays) integrated hour by hour:
    a generator writing batch by batch gives each batch the window its share of tickets would
    arrive in, so a holiday week stays quiet instead of a batch's fixed count filling it."""
    bounds, totals, total = [start], [0.0], 0.0
    moment = start
    while moment < end:
        step = min(end, moment.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1))
        middle = moment + (step - moment) / 2
        total += arrival_weight(middle) * growth(middle, start) * (step - moment).total_seconds()
        bounds.append(step)
        totals.append(total)
        moment = step
    cuts, i = [], 1
    for share in shares:
        target = min(1.0, max(0.0, share)) * total
        while i < len(totals) - 1 and totals[i] < target:
            i += 1
        low, high = totals[i - 1], totals[i]
        part = (target - low) / (high - low) if high > low else 0.0
        cuts.append(bounds[i - 1] + (bounds[i] - bounds[i - 1]) * part)
    return cuts


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
    """`count` sorted moments in [start, end), spread by `arrival_weight` and the trend."""
    span = (end - start).total_seconds()
    ceiling = MAX_WEIGHT * growth(end, start)
    out: list[dt.datetime] = []
    while len(out) < count:
        moment = start + dt.timedelta(seconds=rng.random() * span)
        if rng.random() * ceiling < arrival_weight(moment) * growth(moment, start):
            out.append(moment)
    out.sort()
    return out
