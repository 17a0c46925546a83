"""Demo ticket arrivals: a growth trend, weekly and daily seasonality and Russia's public
holidays, strong enough that the load forecast beats the seasonal-naive baseline on them."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from deskline.analytics.forecast import backtest, day_kind
from deskline.demo.arrivals import (
    GROWTH_PER_YEAR,
    MSK,
    arrival_weight,
    creation_times,
    day_factor,
    is_holiday,
    is_working_day,
    window_cuts,
)


def _daily_counts(start: dt.date, days: int, per_day: int, seed: int = 18) -> list[float]:
    begin = dt.datetime.combine(start, dt.time(), tzinfo=MSK)
    times = creation_times(random.Random(seed), begin, begin + dt.timedelta(days=days),
                           per_day * days)  # fmt: skip
    by_day = Counter(t.astimezone(MSK).date() for t in times)
    return [float(by_day[start + dt.timedelta(days=i)]) for i in range(days)]


def test_a_public_holiday_is_quieter_than_the_same_weekday_a_week_earlier() -> None:
    russia_day, friday_before = dt.date(2026, 6, 12), dt.date(2026, 6, 5)
    assert day_factor(russia_day) < 0.3 * day_factor(friday_before)


def test_monday_is_the_busiest_day_and_sunday_the_quietest() -> None:
    week = [day_factor(dt.date(2026, 10, 5) + dt.timedelta(days=i)) for i in range(7)]
    assert max(week) == week[0] and min(week) == week[6]


def test_the_eve_of_a_holiday_is_lighter_and_the_day_after_the_break_busier() -> None:
    # 2026-11-04 (Wednesday) is Unity Day; 2026-01-12 (Monday) ends the New Year break.
    assert day_factor(dt.date(2026, 11, 3)) < day_factor(dt.date(2026, 10, 27))
    assert day_factor(dt.date(2026, 1, 12)) > day_factor(dt.date(2026, 1, 19))


def test_a_weekend_made_a_working_day_counts_as_a_weekday() -> None:
    worked_saturday, ordinary_saturday = dt.date(2025, 11, 1), dt.date(2025, 11, 8)
    assert day_factor(worked_saturday) > 2 * day_factor(ordinary_saturday)


def test_working_hours_are_busier_than_the_night() -> None:
    noon = dt.datetime(2026, 10, 7, 11, tzinfo=MSK)
    assert arrival_weight(noon) > 10 * arrival_weight(noon.replace(hour=3))


def test_sampled_arrivals_follow_the_weights() -> None:
    counts = _daily_counts(dt.date(2026, 4, 27), 21, per_day=200)
    mondays, sundays = counts[0] + counts[7] + counts[14], counts[6] + counts[13] + counts[20]
    labour_day, friday_after = counts[4], counts[11]  # 2026-05-01 and 2026-05-08
    assert mondays > 3 * sundays
    assert labour_day < 0.4 * friday_after


def test_the_forecast_beats_the_seasonal_naive_baseline_on_demo_arrivals() -> None:
    history = _daily_counts(dt.date(2025, 12, 1), 26 * 7, per_day=60)
    holidays = [day_kind(dt.date(2025, 12, 1) + dt.timedelta(days=i), is_holiday=is_holiday,
                         is_working=is_working_day) for i in range(len(history))]  # fmt: skip
    result = backtest(history, horizon=7, folds=4, holidays=holidays)
    assert result.model_mase is not None and result.baseline_mase is not None
    assert result.model_mase < result.baseline_mase


def test_arrivals_grow_from_one_year_to_the_next() -> None:
    counts = _daily_counts(dt.date(2025, 1, 6), 52 * 7, per_day=100)
    first, last = sum(counts[7:63]), sum(counts[-63:-7])  # 8 weeks without the New Year break
    assert 1.05 < last / first < 1 + 1.5 * GROWTH_PER_YEAR


def test_batch_windows_hold_their_share_so_a_holiday_week_stays_quiet() -> None:
    start = dt.datetime(2025, 12, 1, tzinfo=MSK)
    end = start + dt.timedelta(days=70)
    cuts = window_cuts(start, end, [i / 10 for i in range(11)])
    assert cuts[0] == start and cuts[-1] == end
    counts: Counter[dt.date] = Counter()
    for index in range(10):  # batches of equal size, as the generator writes them
        times = creation_times(random.Random(index), cuts[index], cuts[index + 1], 700)
        counts.update(t.astimezone(MSK).date() for t in times)
    # 2–8 January (the New Year break) against the same days a week later.
    holidays = sum(counts[dt.date(2026, 1, d)] for d in range(2, 9))
    after = sum(counts[dt.date(2026, 1, d)] for d in range(16, 23))
    assert holidays < 0.5 * after
