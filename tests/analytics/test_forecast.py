"""The daily forecast on a synthetic series with a weekly season, a trend, noise and holidays."""

from __future__ import annotations

import random

from deskline.analytics.forecast import (
    AFTER_BREAK,
    EVE,
    HOLIDAY,
    backtest,
    day_kind,
    forecast_daily,
    mape,
    mase,
    seasonal_naive,
)

WEEKLY = [100, 110, 105, 100, 90, 30, 20]


def series(days: int, seed: int = 3) -> tuple[list[float], list[bool]]:
    rnd = random.Random(seed)
    holidays = [d % 61 == 40 for d in range(days)]
    values = []
    for d in range(days):
        level = WEEKLY[d % 7] * (1 + d / 1000) + rnd.gauss(0, 8)
        values.append(max(0.0, level * (0.2 if holidays[d] else 1.0)))
    return values, holidays


def test_seasonal_naive_repeats_the_last_week():
    assert seasonal_naive([1, 2, 3, 4, 5, 6, 7, 8], horizon=3) == [2.0, 3.0, 4.0]


def test_errors_of_a_perfect_and_a_constant_forecast():
    assert mape([10, 20], [10, 20]) == 0.0
    assert mase([10, 20], [11, 19], train=[1, 2, 3, 4, 5, 6, 7, 2], season=7) == 1.0


def test_the_forecast_keeps_the_weekly_shape_and_intervals_hold_the_mean():
    values, holidays = series(140)
    result = forecast_daily(values, horizon=14, holidays=holidays)
    assert len(result.mean) == 14
    # day 140 is a Monday-like day of WEEKLY (index 0); days 5 and 6 are the quiet ones
    assert result.mean[0] > 2 * max(result.mean[5], result.mean[6])
    assert all(
        lo <= m <= hi for lo, m, hi in zip(result.lower, result.mean, result.upper, strict=True)
    )


def test_a_holiday_ahead_is_forecast_low():
    values, holidays = series(140)
    plain = forecast_daily(values, horizon=7, holidays=holidays).mean
    ahead = [False, False, True, False, False, False, False]
    marked = forecast_daily(values, horizon=7, holidays=holidays, future_holidays=ahead).mean
    assert marked[2] < 0.5 * plain[2] and marked[0] == plain[0]


def test_the_rolling_origin_backtest_beats_seasonal_naive():
    values, holidays = series(196)
    result = backtest(values, horizon=14, folds=4, holidays=holidays)
    assert result.folds == 4
    assert result.model_mase is not None and result.baseline_mase is not None
    assert result.model_mase < result.baseline_mase


def test_days_around_a_holiday_have_their_kind():
    import datetime as dt

    holidays = {dt.date(2026, 11, 4), dt.date(2026, 6, 12)}  # a Wednesday and a Friday

    def kind(day: dt.date) -> str:
        return day_kind(day, is_holiday=holidays.__contains__,
                        is_working=lambda d: d.weekday() < 5 and d not in holidays)  # fmt: skip

    assert kind(dt.date(2026, 11, 4)) == HOLIDAY
    assert kind(dt.date(2026, 11, 3)) == EVE and kind(dt.date(2026, 11, 5)) == AFTER_BREAK
    assert kind(dt.date(2026, 6, 15)) == AFTER_BREAK  # Monday after a long weekend
    assert kind(dt.date(2026, 6, 13)) == "" and kind(dt.date(2026, 6, 22)) == ""


def test_the_day_after_a_break_is_forecast_higher_when_history_shows_a_backlog():
    values, holidays = series(140)
    marks: list[str | bool] = list(holidays)
    for d in range(len(values)):
        if d > 0 and holidays[d - 1]:
            marks[d] = AFTER_BREAK
            values[d] *= 1.5
    plain = forecast_daily(values, horizon=7, holidays=marks).mean
    ahead = ["", AFTER_BREAK, "", "", "", "", ""]
    marked = forecast_daily(values, horizon=7, holidays=marks, future_holidays=ahead).mean
    assert marked[1] > 1.3 * plain[1] and marked[0] == plain[0]
