"""The load forecast as a report (issue 18, item 9): daily ticket arrivals of the last half year
(from the pre-aggregated counters), the public holidays of the default work calendar's country,
the Holt-Winters forecast with its 95% interval, and a rolling-origin backtest against the
seasonal-naive baseline. The arithmetic is in `forecast.py`; this module only reads and arranges.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays as holidays_lib
from django.utils.translation import gettext_lazy as _

from deskline.analytics.forecast import WEEK, Backtest, backtest, forecast_daily
from deskline.analytics.reports import Table
from deskline.analytics.selectors import StatsFilter, stats_series
from deskline.sla.models import Calendar

HISTORY_DAYS = 26 * WEEK
#: Days of history the chart shows before the forecast.
SHOWN_HISTORY = 8 * WEEK


@dataclass(frozen=True)
class LoadForecast:
    table: Table
    backtest: Backtest | None
    history_days: int
    country: str


def _holiday_days(days: list[dt.date]) -> list[bool]:
    calendar = Calendar.objects.filter(is_default=True).first()
    if calendar is None or not calendar.country:
        return [False] * len(days)
    table = holidays_lib.country_holidays(
        calendar.country,
        subdiv=calendar.subdiv or None,
        years=sorted({d.year for d in days}),
    )
    return [d in table for d in days]


def load_forecast(
    *, today: dt.date, weeks: int, team: int | None = None, channel: str | None = None
) -> LoadForecast:
    """Arrivals per day for the last 26 weeks and the next `weeks` (2-8), with the backtest."""
    start = today - dt.timedelta(days=HISTORY_DAYS)
    f = StatsFilter(start=start, end=today - dt.timedelta(days=1), team=team, channel=channel)
    by_day = {row["period"]: row["created"] for row in stats_series(f=f, grain="day")}
    first = min(by_day, default=today)
    past_days = [first + dt.timedelta(days=i) for i in range((today - first).days)]
    history = [float(by_day.get(day, 0)) for day in past_days]
    horizon = weeks * WEEK
    future_days = [today + dt.timedelta(days=i) for i in range(horizon)]
    marks = _holiday_days(past_days + future_days)
    past_marks, future_marks = marks[: len(past_days)], marks[len(past_days) :]
    table = Table("forecast", _("Load forecast"), [
        ("period", _("Day")), ("actual", _("Arrived")), ("forecast", _("Forecast")),
        ("lower", _("Lower (95%)")), ("upper", _("Upper (95%)")), ("holiday", _("Holiday")),
    ])  # fmt: skip
    shown = max(0, len(past_days) - SHOWN_HISTORY)
    for day, count, holiday in zip(
        past_days[shown:], history[shown:], past_marks[shown:], strict=True
    ):
        table.rows.append({"period": day.isoformat(), "actual": int(count), "forecast": None,
                           "lower": None, "upper": None, "holiday": holiday})  # fmt: skip
    checked: Backtest | None = None
    try:
        ahead = forecast_daily(history, horizon=horizon, holidays=past_marks,
                               future_holidays=future_marks)  # fmt: skip
    except ValueError:
        ahead = None  # under two weeks of history: the page says what it needs
    if ahead is not None:
        for i, day in enumerate(future_days):
            table.rows.append({
                "period": day.isoformat(), "actual": None,
                "forecast": round(ahead.mean[i], 1), "lower": round(ahead.lower[i], 1),
                "upper": round(ahead.upper[i], 1), "holiday": future_marks[i],
            })  # fmt: skip
        checked = backtest(history, horizon=WEEK, folds=4, holidays=past_marks)
    country = Calendar.objects.filter(is_default=True).values_list("country", flat=True).first()
    return LoadForecast(table, checked, len(history), country or "")
