"""The day plan suggestion on real rows: engineers with a home base and hours, the tickets waiting
for a visit at sites with coordinates and their resolution deadlines, solved by `routeplan`, shown
next to the nearest-next baseline and, on request, next to a longer search; applying it plans the
visits through `visit_plan`."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction

from deskline.accounts.models import User
from deskline.fieldwork.geo import point_or_none
from deskline.fieldwork.models import EngineerProfile, Visit
from deskline.fieldwork.routeplan import Engineer, Job, RoutePlan, greedy_plan, suggest_plan
from deskline.fieldwork.visit_selectors import speed_kmh, waiting_for_visit
from deskline.fieldwork.visits import require_planner, visit_plan
from deskline.tickets.models import Ticket

#: How long a visit is planned for when nothing says otherwise.
VISIT_MINUTES = 60


@dataclass
class PlannedStop:
    ticket: Ticket
    start: dt.datetime
    end: dt.datetime
    late_by: int


@dataclass
class DayPlan:
    day: dt.date
    routes: list[tuple[EngineerProfile, list[PlannedStop]]]
    unassigned: list[Ticket]
    distance_km: float
    greedy_km: float
    greedy_unassigned: int
    greedy_late: int
    late: int
    seconds: float
    longer_km: float | None = None
    notes: list[str] = field(default_factory=list)


def _inputs(user: User, day: dt.date, zone: ZoneInfo) -> tuple[
        list[EngineerProfile], list[Engineer], list[Ticket], list[Job], dt.datetime]:  # fmt: skip
    origin = dt.datetime.combine(day, dt.time(0), zone)
    profiles = [p for p in EngineerProfile.objects.filter(is_active=True, user__is_active=True)
                .select_related("user").order_by("user__username")
                if day.weekday() in (p.weekdays or [])
                and point_or_none(p.home_latitude, p.home_longitude) is not None]  # fmt: skip
    engineers = []
    for p in profiles:
        own = ZoneInfo(p.time_zone or "UTC")
        start = dt.datetime.combine(day, p.day_start, own)
        end = dt.datetime.combine(day, p.day_end, own)
        home = point_or_none(p.home_latitude, p.home_longitude)
        assert home is not None
        engineers.append(Engineer(p.user_id, home, int((start - origin).total_seconds() // 60),
                                  int((end - origin).total_seconds() // 60)))  # fmt: skip
    tickets, jobs = [], []
    for t in waiting_for_visit(user, limit=1000):
        place = point_or_none(t.site.latitude, t.site.longitude) if t.site else None
        if place is None:
            continue
        tickets.append(t)
        deadline = (int((t.resolution_due - origin).total_seconds() // 60) - VISIT_MINUTES
                    if t.resolution_due else None)  # fmt: skip
        jobs.append(Job(t.pk, place, VISIT_MINUTES, deadline))
    return profiles, engineers, tickets, jobs, origin


def day_plan_suggest(*, user: User, day: dt.date, zone: str, seconds: float = 3.0,
                     compare_seconds: float = 0.0) -> DayPlan:  # fmt: skip
    """Suggest who goes where and when on `day`; nothing is written."""
    require_planner(user)
    tz = ZoneInfo(zone)
    profiles, engineers, tickets, jobs, origin = _inputs(user, day, tz)
    # A small day is solved long before the limit; guided local search would use it all anyway.
    seconds = min(seconds, 0.5 + 0.02 * len(jobs))
    began = time.perf_counter()
    plan = suggest_plan(engineers, jobs, speed_kmh=speed_kmh(), time_limit_s=seconds)
    took = time.perf_counter() - began
    greedy = greedy_plan(engineers, jobs, speed_kmh=speed_kmh())
    longer: RoutePlan | None = None
    if compare_seconds > 0:
        longer = suggest_plan(engineers, jobs, speed_kmh=speed_kmh(),
                              time_limit_s=compare_seconds)  # fmt: skip
    by_id = {t.pk: t for t in tickets}

    def when(minutes: int) -> dt.datetime:
        return origin + dt.timedelta(minutes=minutes)

    routes = [(p, [PlannedStop(by_id[s.job], when(s.start), when(s.start + VISIT_MINUTES),
                               s.late_by) for s in plan.routes.get(p.user_id, [])])
              for p in profiles]  # fmt: skip
    return DayPlan(
        day=day, routes=routes, unassigned=[by_id[k] for k in plan.unassigned],
        distance_km=round(plan.distance_m / 1000, 1), greedy_km=round(greedy.distance_m / 1000, 1),
        greedy_unassigned=len(greedy.unassigned), greedy_late=len(greedy.late),
        late=len(plan.late), seconds=round(took, 2),
        longer_km=round(longer.distance_m / 1000, 1) if longer else None,
    )  # fmt: skip


#: One suggested visit as the dispatcher accepts it: (ticket number, engineer id, start, end).
Accepted = tuple[int, int, dt.datetime, dt.datetime]


def accepted_stops(plan: DayPlan) -> list[Accepted]:
    return [(s.ticket.number, p.user_id, s.start, s.end) for p, stops in plan.routes
            for s in stops]  # fmt: skip


@transaction.atomic
def day_plan_apply(*, user: User, stops: list[Accepted]) -> list[Visit]:
    """Plan the accepted stops as visits, all or none (the solver already weighed conflicts)."""
    return [visit_plan(actor=user, number=number, engineer_ids=[engineer], start=start, end=end,
                       force=True) for number, engineer, start, end in stops]  # fmt: skip
