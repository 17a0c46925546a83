"""Breach risk for open tickets: fit the empirical model on history, store, warn once.

History is the `active_minutes` the SLA hook stores on resolution (working minutes from
creation to resolution, paused time excluded). Queues count open tickets per assignee (per
team member for unassigned tickets).

When the ticket's team is short of agents before the deadline, the warning names the gap
("add 2 agents to team 1st line between 14:00 and 18:00"). The staffing arithmetic belongs to
the analytics app (forecast, Erlang C), which registers its finder in `STAFFING_GAP_FINDERS`
(the SLA app does not import the read side); one forecast per team and run.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from deskline.accounts.models import TeamMembership
from deskline.sla import resolve
from deskline.sla.clock import WorkingTimeIndex
from deskline.sla.deadlines import active_minutes, between
from deskline.sla.escalation import Context, escalation_claim, in_hours, open_states
from deskline.sla.models import TicketSla
from deskline.sla.risk import RiskModel, Sample
from deskline.tickets.events import event_record
from deskline.tickets.models import OPEN_PHASES, Ticket
from deskline.tickets.payloads import SlaWarning
from deskline.tickets.writing import lock_ticket

HISTORY_DAYS = 365
RISK_KEY = "risk"
#: (team id, now, deadline) -> (start, end, agents missing) of the team's first understaffed
#: span before the deadline, or None; registered by the analytics app.
StaffingGap = tuple[dt.datetime, dt.datetime, int]
GapFinder = Callable[[int, dt.datetime, dt.datetime], StaffingGap | None]
STAFFING_GAP_FINDERS: list[GapFinder] = []


def risk_model_fit(now: dt.datetime) -> RiskModel:
    rows = TicketSla.objects.filter(
        active_minutes__isnull=False, ticket__resolved_at__gte=now - dt.timedelta(days=HISTORY_DAYS)
    ).values_list("ticket__type_id", "ticket__priority_id", "ticket__category_id", "active_minutes")
    queues = _assignee_queues()
    typical = sum(queues.values()) / len(queues) if queues else 0.0
    samples = (Sample(t, p, c, m or 0) for t, p, c, m in rows.iterator(chunk_size=5000))
    return RiskModel.fit(samples, typical)


def _assignee_queues() -> Counter[int]:
    return Counter(
        Ticket.objects.filter(phase__in=OPEN_PHASES, assignee__isnull=False).values_list(
            "assignee_id", flat=True
        )
    )


def _team_queues() -> dict[int, float]:
    unassigned = Counter(
        Ticket.objects.filter(
            phase__in=OPEN_PHASES, assignee__isnull=True, team__isnull=False
        ).values_list("team_id", flat=True)
    )
    members = Counter(TeamMembership.objects.values_list("team_id", flat=True))
    return {team: count / max(1, members[team]) for team, count in unassigned.items()}


def ticket_risk(
    state: TicketSla, model: RiskModel, queue: int, now: dt.datetime, calendar: WorkingTimeIndex
) -> float | None:
    ticket = state.ticket
    due = ticket.resolution_due
    if due is None:
        return None
    elapsed = active_minutes(
        calendar, ticket.created_at, now, ticket.paused_minutes, state.paused_since
    )
    allowed = between(calendar, ticket.created_at, max(due, ticket.created_at))
    remaining = allowed - ticket.paused_minutes - elapsed
    return model.probability(
        type_id=ticket.type_id,
        priority_id=ticket.priority_id,
        category_id=ticket.category_id,
        elapsed=elapsed,
        remaining=remaining,
        queue=queue,
    )


def _store_risks(rows: list[tuple[int, float | None]], now: dt.datetime) -> None:
    """One UPDATE ... FROM (VALUES ...) per batch on PostgreSQL; bulk_update elsewhere."""
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        if connection.vendor == "postgresql":
            table = TicketSla._meta.db_table
            values = ", ".join(["(%s::bigint, %s::double precision)"] * len(chunk))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} AS t SET breach_risk = v.risk, risk_computed_at = %s "  # noqa: S608
                    f"FROM (VALUES {values}) AS v(id, risk) WHERE t.ticket_id = v.id",
                    [now, *(value for row in chunk for value in row)],
                )
        else:
            states = [TicketSla(ticket_id=i, breach_risk=r, risk_computed_at=now) for i, r in chunk]
            TicketSla.objects.bulk_update(
                states, ["breach_risk", "risk_computed_at"], batch_size=500
            )


def risk_update(now: dt.datetime | None = None, *, warn: bool = True) -> dict[str, int]:
    """Recompute and store every open ticket's breach risk; warn the manager once above the
    policy's threshold (inside their working hours) unless `warn` is off."""
    now = now or timezone.now()
    model = risk_model_fit(now)
    people, teams = _assignee_queues(), _team_queues()
    ctx = Context.load(now)
    risks: list[tuple[int, float | None]] = []
    gaps: dict[int, StaffingGap | None] = {}
    warned = 0
    for state in open_states().select_related("policy").iterator(chunk_size=2000):
        ticket = state.ticket
        queue = (
            people[ticket.assignee_id]
            if ticket.assignee_id
            else round(teams.get(ticket.team_id or 0, 0))
        )
        risk = ticket_risk(state, model, queue, now, ctx.index(state.calendar))
        risks.append((ticket.pk, None if risk is None else round(risk, 4)))
        if warn and risk is not None and state.policy and risk >= state.policy.risk_threshold:
            warned += _warn(state, risk, ctx, gaps)
    _store_risks(risks, now)
    return {"scored": len(risks), "warned": warned}


def _staffing_gap(
    ticket: Ticket, now: dt.datetime, gaps: dict[int, StaffingGap | None]
) -> StaffingGap | None:
    """The team's staffing gap before the ticket's deadline (one look per team and run)."""
    if not ticket.team_id or ticket.resolution_due is None or not STAFFING_GAP_FINDERS:
        return None
    if ticket.team_id not in gaps:
        gaps[ticket.team_id] = None
        for finder in STAFFING_GAP_FINDERS:
            found = finder(ticket.team_id, now, ticket.resolution_due)
            if found is not None:
                gaps[ticket.team_id] = found
                break
    return gaps[ticket.team_id]


def _warn(state: TicketSla, risk: float, ctx: Context, gaps: dict[int, StaffingGap | None]) -> int:
    ticket = state.ticket
    manager = ticket.company.manager_id if ticket.company_id and ticket.company else None
    if manager is None and ticket.team_id and ticket.team:
        manager = ticket.team.lead_id
    if manager is None:
        return 0
    if (ticket.pk, RISK_KEY) in ctx.fired:
        return 0
    if not in_hours(manager, resolve.work_calendar(state.calendar), ctx):
        return 0
    gap = _staffing_gap(ticket, ctx.now, gaps)  # before the lock: a forecast takes a while
    team_name = ticket.team.name if gap is not None and ticket.team is not None else ""
    with transaction.atomic():
        lock_ticket(None, ticket.number, None)
        if not escalation_claim(ticket.pk, RISK_KEY, None, ctx.now):
            return 0
        event_record(
            ticket=ticket,
            actor=None,
            payload=SlaWarning(
                source="breach_risk",
                deadline="resolution",
                due=ticket.resolution_due,
                risk=round(risk, 4),
                threshold=state.policy.risk_threshold if state.policy else None,
                recipients=[manager],
                staffing_team=team_name,
                staffing_start=gap[0] if team_name and gap else None,
                staffing_end=gap[1] if team_name and gap else None,
                staffing_missing=gap[2] if team_name and gap else 0,
            ),
        )
    return 1
