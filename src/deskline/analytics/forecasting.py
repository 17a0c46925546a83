"""The load forecast as a report (issue 18, items 9 and 10): daily ticket arrivals of the last
half year (from the pre-aggregated counters), the public holidays of the default work calendar's
country, the Holt-Winters forecast with its 95% interval, a rolling-origin backtest against the
seasonal-naive baseline, and the coming week's staffing: forecast arrivals spread over the hours
as the last 8 weeks arrived, Erlang C agents needed against the agents on shift (the default
calendar's working hours). The arithmetic is in `forecast.py`, `staffing.py` and `erlang.py`;
this module only reads and arranges.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays as holidays_lib
from django.db.models import Count
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import STAFF_ROLES, Role, Team, User
from deskline.analytics.forecast import HOLIDAY, WEEK, Backtest, backtest, day_kind, forecast_daily
from deskline.analytics.reports import Table
from deskline.analytics.selectors import StatsFilter, stats_series
from deskline.analytics.staffing import StaffingHour, staffing_plan, understaffed_spans
from deskline.sla.clock import is_working_time
from deskline.sla.models import Calendar
from deskline.sla.resolve import work_calendar
from deskline.tickets.models import Ticket

HISTORY_DAYS = 26 * WEEK
#: Days of history the chart shows before the forecast.
SHOWN_HISTORY = 8 * WEEK


@dataclass(frozen=True)
class LoadForecast:
    table: Table
    backtest: Backtest | None
    history_days: int
    country: str


def _day_kinds(days: list[dt.date]) -> list[str]:
    """Each day's kind around the public holidays of the default calendar's country (holiday,
    eve, first day after the break, or ""); all ordinary without a country."""
    calendar = Calendar.objects.filter(is_default=True).first()
    if calendar is None or not calendar.country or not days:
        return [""] * len(days)
    years = range(min(days).year - 1, max(days).year + 2)
    table = holidays_lib.country_holidays(
        calendar.country, subdiv=calendar.subdiv or None, years=list(years)
    )
    worked = set(table.weekend_workdays)

    def is_working(day: dt.date) -> bool:
        return day not in table and (day.weekday() < 5 or day in worked)

    return [day_kind(d, is_holiday=table.__contains__, is_working=is_working) for d in days]


def load_forecast(
    *,
    today: dt.date,
    weeks: int,
    team: int | None = None,
    channel: str | None = None,
    check: bool = True,
) -> LoadForecast:
    """Arrivals per day for the last 26 weeks and the next `weeks` (2-8), with the backtest
    unless `check` is off (four more fits: the page shows it, a warning does not need it)."""
    start = today - dt.timedelta(days=HISTORY_DAYS)
    f = StatsFilter(start=start, end=today - dt.timedelta(days=1), team=team, channel=channel)
    by_day = {row["period"]: row["created"] for row in stats_series(f=f, grain="day")}
    first = min(by_day, default=today)
    past_days = [first + dt.timedelta(days=i) for i in range((today - first).days)]
    history = [float(by_day.get(day, 0)) for day in past_days]
    horizon = weeks * WEEK
    future_days = [today + dt.timedelta(days=i) for i in range(horizon)]
    marks = _day_kinds(past_days + future_days)
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
                           "lower": None, "upper": None, "holiday": holiday == HOLIDAY})  # fmt: skip
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
                "upper": round(ahead.upper[i], 1), "holiday": future_marks[i] == HOLIDAY,
            })  # fmt: skip
        if check:
            checked = backtest(history, horizon=WEEK, folds=4, holidays=past_marks)
    country = Calendar.objects.filter(is_default=True).values_list("country", flat=True).first()
    return LoadForecast(table, checked, len(history), country or "")


@dataclass(frozen=True)
class StaffingView:
    """The coming week hour by hour: forecast arrivals, agents needed (Erlang C), on shift."""

    plan: list[StaffingHour]
    advice: list[str]
    handle_minutes: float
    target_minutes: float
    service_level: float
    agents_on_shift: int


def arrival_profile(
    *, since: dt.datetime, tz: dt.tzinfo, team: int | None = None, channel: str | None = None
) -> dict[tuple[int, int], float]:
    """Each (ISO weekday, hour)'s share of its weekday's arrivals since `since` (local hours)."""
    rows = Ticket.objects.filter(created_at__gte=since)
    if team is not None:
        rows = rows.filter(team_id=team)
    if channel:
        rows = rows.filter(channel=channel)
    counted = (
        rows.order_by()
        .annotate(
            weekday=ExtractIsoWeekDay("created_at", tzinfo=tz),
            hour=ExtractHour("created_at", tzinfo=tz),
        )
        .values("weekday", "hour")
        .annotate(n=Count("pk"))
    )
    by_slot = {(r["weekday"], r["hour"]): r["n"] for r in counted}
    per_day = {d: sum(n for (w, _h), n in by_slot.items() if w == d) for d in range(1, 8)}
    return {slot: n / per_day[slot[0]] for slot, n in by_slot.items() if per_day[slot[0]]}


def staffing_week(
    made: LoadForecast,
    *,
    now: dt.datetime,
    handle_minutes: float,
    target_minutes: float,
    service_level: float,
    team: Team | None = None,
) -> StaffingView:
    """Agents needed per hour for the next 7 forecast days against the agents on shift (the
    forecast page's table and the breach-risk warnings' staffing gap)."""
    tz = dt.UTC if now.tzinfo is None else now.tzinfo
    profile = arrival_profile(since=now - dt.timedelta(weeks=8), tz=tz,
                              team=team.pk if team else None)  # fmt: skip
    members = (
        team.members.filter(is_active=True)
        if team
        else User.objects.filter(
            is_active=True, is_system=False, role__in=STAFF_ROLES - {Role.CONTRACTOR}
        )
    )
    on_shift = members.count()
    calendar = work_calendar(Calendar.objects.filter(is_default=True).first())
    hours: list[dt.datetime] = []
    arrivals: list[float] = []
    scheduled: list[int] = []
    for row in [r for r in made.table.rows if r["forecast"] is not None][:WEEK]:
        day = dt.date.fromisoformat(row["period"])
        for hour in range(24):
            start = dt.datetime.combine(day, dt.time(hour), tzinfo=tz)
            share = profile.get((day.isoweekday(), hour))
            if share is None:  # no history for the weekday: spread over its working hours
                share = 1 / 24
            working = is_working_time(calendar, start + dt.timedelta(minutes=30))
            hours.append(start)
            arrivals.append(float(row["forecast"]) * share)
            scheduled.append(on_shift if working else 0)
    plan = staffing_plan(hours=hours, arrivals=arrivals, scheduled=scheduled,
                         handle_seconds=handle_minutes * 60, target_seconds=target_minutes * 60,
                         service_level=service_level)  # fmt: skip
    name = team.name if team else str(_("all teams"))
    advice = [_span_advice(name, span) for span in understaffed_spans(plan)]
    return StaffingView(plan, advice, handle_minutes, target_minutes, service_level, on_shift)


def _span_advice(team: str, span: tuple[dt.datetime, dt.datetime, int]) -> str:
    """ "Fri 04.12 14:00-18:00: add 2 agents to team First line" (the end's day when it differs)."""
    start, end, missing = span
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%a %d.%m %H:%M}"
    return str(
        _("%(start)s–%(end)s: add %(n)s agents to team %(team)s")
        % {"start": f"{start:%a %d.%m %H:%M}", "end": until, "n": missing, "team": team}
    )


#: What the forecast page assumes unless told otherwise (and the warnings always assume).
DEFAULT_HANDLE_MINUTES, DEFAULT_TARGET_MINUTES, DEFAULT_SERVICE_LEVEL = 20.0, 60.0, 0.8
#: How far ahead a breach-risk warning looks for a staffing gap.
GAP_HORIZON = dt.timedelta(hours=12)


def team_staffing_gap(
    *, team_id: int, now: dt.datetime, until: dt.datetime
) -> tuple[dt.datetime, dt.datetime, int] | None:
    """The team's first understaffed span of shift hours between now and `until` (at most 12
    hours ahead): forecast arrivals against the team's agents on shift, Erlang C with the forecast page's
    defaults (`staffing_week`); (start, end, agents missing) or None. Times in UTC."""
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        return None
    now = now.astimezone(dt.UTC)
    made = load_forecast(today=now.date(), weeks=2, team=team_id, check=False)
    if not any(row["forecast"] is not None for row in made.table.rows):
        return None  # too little history to forecast
    view = staffing_week(made, now=now, handle_minutes=DEFAULT_HANDLE_MINUTES,
                         target_minutes=DEFAULT_TARGET_MINUTES,
                         service_level=DEFAULT_SERVICE_LEVEL, team=team)  # fmt: skip
    first = now.replace(minute=0, second=0, microsecond=0)
    last = min(max(until, now + dt.timedelta(hours=1)), now + GAP_HORIZON)
    # Hours with nobody on shift are left out: outside the working hours the office's SLA
    # clock stands still, so they are not what makes a deadline slip (the page shows them).
    coming = [hour for hour in view.plan if first <= hour.start < last and hour.scheduled]
    spans = understaffed_spans(coming)
    return spans[0] if spans else None
