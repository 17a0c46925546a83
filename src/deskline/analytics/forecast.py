"""Daily ticket-arrival forecasts, free of the ORM: Holt-Winters (statsmodels) with a weekly
season, a damped trend and factors for public holidays and the days around them, prediction intervals, and a rolling-origin
backtest against the seasonal-naive baseline (MAPE and MASE)."""

from __future__ import annotations

import datetime as dt
import math
import statistics
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WEEK = 7
Z95 = 1.96


@dataclass(frozen=True)
class Forecast:
    mean: list[float]
    lower: list[float]
    upper: list[float]


@dataclass(frozen=True)
class Backtest:
    folds: int
    model_mape: float | None
    baseline_mape: float | None
    model_mase: float | None
    baseline_mase: float | None


def seasonal_naive(history: Sequence[float], *, horizon: int, season: int = WEEK) -> list[float]:
    """Each future day repeats the same weekday of the last observed season."""
    last = list(history[-season:])
    return [float(last[i % season]) for i in range(horizon)]


#: What kind of day a date is around public holidays; "" is an ordinary day. A mark given as
#: True means a holiday (callers that know no more than that).
HOLIDAY, EVE, AFTER_BREAK = "holiday", "eve", "after_break"
DayMark = bool | str


def day_kind(
    day: dt.date, *, is_holiday: Callable[[dt.date], bool], is_working: Callable[[dt.date], bool]
) -> str:
    """A public holiday; the working day before one (its eve); the first working day after
    days off that held one (the break's backlog); or an ordinary day ("")."""
    if is_holiday(day):
        return HOLIDAY
    if not is_working(day):
        return ""
    if is_holiday(day + dt.timedelta(days=1)):
        return EVE
    previous = day - dt.timedelta(days=1)
    for _ in range(14):
        if is_working(previous):
            return ""
        if is_holiday(previous):
            return AFTER_BREAK
        previous -= dt.timedelta(days=1)
    return ""


def _kind(mark: DayMark) -> str:
    return HOLIDAY if mark is True else (mark or "")


def _kind_ratios(history: Sequence[float], kinds: Sequence[str], season: int) -> dict[str, float]:
    """Per kind of day, the median of its volume over the same weekday a season earlier when
    that was an ordinary day (a kind without such data is left out: factor 1.0)."""
    ratios: dict[str, list[float]] = {}
    for i in range(season, len(history)):
        if kinds[i] and not kinds[i - season] and history[i - season] > 0:
            ratios.setdefault(kinds[i], []).append(history[i] / history[i - season])
    return {kind: statistics.median(values) for kind, values in ratios.items()}


def forecast_daily(
    history: Sequence[float],
    *,
    horizon: int,
    holidays: Sequence[DayMark] | None = None,
    future_holidays: Sequence[DayMark] | None = None,
    season: int = WEEK,
) -> Forecast:
    """Forecast `horizon` days after `history` (at least two seasons of daily counts); the
    marks say which days are holidays or around them (see `day_kind`)."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    if len(history) < 2 * season:
        raise ValueError("need at least two seasons of history")
    past = [_kind(m) for m in holidays] if holidays else [""] * len(history)
    ahead = [_kind(m) for m in future_holidays] if future_holidays else [""] * horizon
    ratios = _kind_ratios(history, past, season)
    cleaned = [
        float(history[i - season]) if past[i] and i >= season else float(history[i])
        for i in range(len(history))
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ExponentialSmoothing(
            cleaned, trend="add", damped_trend=True, seasonal="add", seasonal_periods=season,
            initialization_method="estimated",
        ).fit()  # fmt: skip
    mean = [max(0.0, float(v)) for v in fit.forecast(horizon)]
    residuals = [float(r) for r in fit.resid]
    spread = statistics.pstdev(residuals) if len(residuals) > 1 else 0.0
    out_mean, lower, upper = [], [], []
    for i, value in enumerate(mean):
        factor = ratios.get(ahead[i], 1.0) if ahead[i] else 1.0
        width = Z95 * spread * math.sqrt(1 + i / season)
        out_mean.append(value * factor)
        lower.append(max(0.0, (value - width) * factor))
        upper.append((value + width) * factor)
    return Forecast(out_mean, lower, upper)


def mape(actual: Sequence[float], predicted: Sequence[float]) -> float | None:
    pairs = [(a, p) for a, p in zip(actual, predicted, strict=True) if a]
    if not pairs:
        return None
    return 100.0 * sum(abs(a - p) / abs(a) for a, p in pairs) / len(pairs)


def mase(
    actual: Sequence[float], predicted: Sequence[float], *, train: Sequence[float], season: int
) -> float | None:
    """Mean absolute error scaled by the in-sample seasonal-naive error."""
    scale = [abs(train[i] - train[i - season]) for i in range(season, len(train))]
    denominator = sum(scale) / len(scale) if scale else 0.0
    if not denominator:
        return None
    errors = [abs(a - p) for a, p in zip(actual, predicted, strict=True)]
    return sum(errors) / len(errors) / denominator


def backtest(
    history: Sequence[float],
    *,
    horizon: int,
    folds: int = 4,
    holidays: Sequence[DayMark] | None = None,
    season: int = WEEK,
) -> Backtest:
    """Rolling origin: fit on all days before each origin, forecast `horizon` days, average."""
    days = holidays or [False] * len(history)
    scores: dict[str, list[float]] = {"mm": [], "bm": [], "ms": [], "bs": []}
    used = 0
    for fold in range(folds, 0, -1):
        origin = len(history) - fold * horizon
        if origin < 3 * season:
            continue
        train, actual = history[:origin], history[origin : origin + horizon]
        model = forecast_daily(train, horizon=len(actual), holidays=days[:origin],
                               future_holidays=days[origin : origin + horizon],
                               season=season).mean  # fmt: skip
        base = seasonal_naive(train, horizon=len(actual), season=season)
        used += 1
        for key, predicted in (("m", model), ("b", base)):
            value = mape(actual, predicted)
            if value is not None:
                scores[key + "m"].append(value)
            scaled = mase(actual, predicted, train=train, season=season)
            if scaled is not None:
                scores[key + "s"].append(scaled)

    def mean(key: str) -> float | None:
        return round(statistics.fmean(scores[key]), 3) if scores[key] else None

    return Backtest(used, mean("mm"), mean("bm"), mean("ms"), mean("bs"))
