"""Daily ticket-arrival forecasts, free of the ORM: Holt-Winters (statsmodels) with a weekly
season, a damped trend and a holiday factor, prediction intervals, and a rolling-origin
backtest against the seasonal-naive baseline (MAPE and MASE)."""

from __future__ import annotations

import math
import statistics
import warnings
from collections.abc import Sequence
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


def _holiday_ratio(history: Sequence[float], holidays: Sequence[bool], season: int) -> float:
    """Median of holiday volume over the same weekday a season earlier (1.0 without data)."""
    ratios = [
        history[i] / history[i - season]
        for i in range(season, len(history))
        if holidays[i] and not holidays[i - season] and history[i - season] > 0
    ]
    return statistics.median(ratios) if ratios else 1.0


def forecast_daily(
    history: Sequence[float],
    *,
    horizon: int,
    holidays: Sequence[bool] | None = None,
    future_holidays: Sequence[bool] | None = None,
    season: int = WEEK,
) -> Forecast:
    """Forecast `horizon` days after `history` (at least two seasons of daily counts)."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    if len(history) < 2 * season:
        raise ValueError("need at least two seasons of history")
    past = holidays or [False] * len(history)
    ahead = future_holidays or [False] * horizon
    ratio = _holiday_ratio(history, past, season)
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
        factor = ratio if ahead[i] else 1.0
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
    holidays: Sequence[bool] | None = None,
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
