"""The desk's dashboard (issue 18, item 6): one page whose sections follow the viewer's role.

- Everyone on staff: their queue (the saved views' counts), today's first responses and the
  shift check-in (stress level in one click).
- A team lead (of any team) or a supervisor/dispatcher/admin: SLA today and this week, open
  load per agent, poor scores to call back, and (leads only, privately) stress alerts.
- Those who read reports: the SLA and satisfaction trends as charts, and the forecast.
Reads only: each section is a handful of queries whatever the number of tickets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from deskline.accounts.models import User
from deskline.analytics.figures import sla_figures
from deskline.analytics.selectors import StatsFilter, stats_totals
from deskline.core.roles import ROLES_SEEING_ALL
from deskline.feedback.models import CallBack, StressAlert
from deskline.feedback.selectors import callbacks_for
from deskline.feedback.stress import stress_alerts_for
from deskline.tickets.access import tickets_visible_to
from deskline.tickets.models import OPEN_PHASES
from deskline.tickets.saved_views import ViewCount, view_counts_cached

QUEUE_VIEWS = ("mine", "teams", "unassigned", "at_risk", "overdue")
CALLBACKS_SHOWN = 20
LOAD_SHOWN = 30


@dataclass
class AgentLoad:
    agent: User
    open: int


@dataclass
class Dashboard:
    queue: list[ViewCount]
    today: dict[str, Any]
    leads: bool = False
    reads_reports: bool = False
    week: dict[str, Any] = field(default_factory=dict)
    load: list[AgentLoad] = field(default_factory=list)
    callbacks: list[CallBack] = field(default_factory=list)
    stress_alerts: list[StressAlert] = field(default_factory=list)


def _figures(start: dt.date, end: dt.date, team_ids: list[int] | None) -> dict[str, Any]:
    """Counters and SLA figures of a period, summed over `team_ids` (all teams when None)."""
    totals: dict[str, int] = {}
    for team in team_ids if team_ids is not None else [None]:
        for key, value in stats_totals(f=StatsFilter(start=start, end=end, team=team)).items():
            totals[key] = totals.get(key, 0) + value
    return {**totals, **sla_figures(totals)} if totals else {}


def _load(user: User, team_ids: list[int] | None) -> list[AgentLoad]:
    """Open tickets per assignee, in the teams given (all when None), busiest first."""
    rows = tickets_visible_to(user).filter(phase__in=OPEN_PHASES, assignee__isnull=False)
    if team_ids is not None:
        rows = rows.filter(team_id__in=team_ids)
    counted = (
        rows.order_by().values("assignee_id").annotate(n=Count("pk")).order_by("-n")[:LOAD_SHOWN]
    )
    by_id = {r["assignee_id"]: r["n"] for r in counted}
    agents = User.objects.in_bulk(list(by_id))
    return [AgentLoad(agents[pk], n) for pk, n in by_id.items() if pk in agents]


def dashboard_for(*, user: User, today: dt.date) -> Dashboard:
    sees_all = user.is_superuser or user.role in ROLES_SEEING_ALL
    led = list(user.led_teams.values_list("pk", flat=True))
    board = Dashboard(
        queue=view_counts_cached(user=user, views=QUEUE_VIEWS),
        today=_figures(
            today, today, None if sees_all else list(user.teams.values_list("pk", flat=True))
        ),
        leads=bool(led) or sees_all,
        reads_reports=sees_all,
    )
    if not board.leads:
        return board
    teams = None if sees_all else led
    board.week = _figures(today - dt.timedelta(days=6), today, teams)
    board.load = _load(user, teams)
    board.callbacks = list(callbacks_for(user)[:CALLBACKS_SHOWN])
    board.stress_alerts = stress_alerts_for(lead=user) if led else []
    return board
