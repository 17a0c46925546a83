"""Routing a new ticket: the "route" decider that `ticket_create` runs before its INSERT.

It evaluates the active rule sets over the proposed ticket's facts, sets the fields the rules
decide (priority, type, category) on the unsaved ticket, gives it a team and an assignee (the
creator's explicit choice wins; otherwise the rules' team, then the team's assignment
strategy) and returns the whole decision with its reasons, which the create stores in its one
`created` event. A rule action that does not fit (a deleted priority, an assignee outside the
team) is skipped and explained instead of failing the creation. A policy a rule names is
passed on as the fact `sla_policy_id`, which the SLA decider honours.

Triage runs before routing: its predictions are facts rules may test (`predicted.team`,
`predicted.team.confidence`, ...; the explanation marks them), and a team it would apply comes
as the fact `PREDICTED_TEAM`, used when neither the creator nor a rule names a team.
"""

from __future__ import annotations

from typing import Any

from deskline.accounts.models import Team, User
from deskline.core.errors import DomainError
from deskline.routing import selectors
from deskline.routing.assignment import assignee_pick
from deskline.routing.matching import Decision, decide
from deskline.routing.models import TicketTag
from deskline.tickets import config_cache
from deskline.tickets.models import Category, Priority, Ticket, TicketEvent, TicketType
from deskline.tickets.payloads import Created, RoutingOutcome
from deskline.tickets.resolving import check_assignee

#: The team triage applies (at or above its threshold), used when no rule names one.
PREDICTED_TEAM = "triage.team_id"
#: Rule actions that set one of the ticket's reference fields, with the cached model.
FIELD_ACTIONS: dict[str, type[Priority] | type[TicketType] | type[Category]] = {
    "priority_id": Priority,
    "type_id": TicketType,
    "category_id": Category,
}


def _apply_fields(ticket: Ticket, decision: Decision) -> tuple[dict[str, Any], dict[str, str]]:
    applied: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    for key, model in FIELD_ACTIONS.items():
        value = decision.values.get(key)
        if value is None or value == getattr(ticket, key):
            continue
        row: Any = config_cache.row(model, value)
        if row is None or not getattr(row, "is_active", True):
            skipped[key] = f"no {key[:-3]} with id {value}"
            continue
        setattr(ticket, key[:-3], row)
        applied[key] = value
    return applied, skipped


def _strategy_applies(team_id: int | None) -> bool:
    return team_id is not None and team_id in selectors.team_strategies()


def _active_team(team_id: int | None) -> Team | None:
    """The active team from the per-process reference cache (teams are watched there)."""
    team = config_cache.row(Team, team_id) if team_id is not None else None
    return team if team is not None and team.is_active else None


def _assign(ticket: Ticket, decision: Decision, predicted_team: int | None) -> dict[str, Any]:
    """Team and assignee: the creator's explicit choice wins, then the rules, then triage's
    prediction (team), then the strategy (assignee)."""
    team_id = ticket.team_id or decision.values.get("team_id")
    assignee_id = ticket.assignee_id or decision.values.get("assignee_id")
    result: dict[str, Any] = {}
    if team_id is None and assignee_id is None and predicted_team is not None:
        team_id = predicted_team
        result["team_from"] = "triage prediction"
    chosen = False
    if team_id is not None and assignee_id is None:
        choice = assignee_pick(team_id, ticket)
        assignee_id, chosen = choice.user_id, choice.user_id is not None
        result["strategy"] = choice.reason
    if [team_id, assignee_id] == [ticket.team_id, ticket.assignee_id]:
        return result
    team = _active_team(team_id)
    assignee = User.objects.filter(pk=assignee_id).first() if assignee_id else None
    try:
        if team_id is not None and team is None:
            raise DomainError(f"no active team with id {team_id}")
        # The strategy chose among the team's members (its roster): no need to ask again.
        check_assignee(team, assignee, member=chosen)
    except DomainError as exc:
        result["skipped"] = "; ".join(exc.fields.values()) or exc.message
        return result
    ticket.team, ticket.assignee = team, assignee
    result.update(team_id=team_id, assignee_id=assignee_id)
    return result


def route_new_ticket(ticket: Ticket, facts: dict[str, Any]) -> dict[str, Any] | None:
    """The decider: route the unsaved ticket; the record of what was decided, or None."""
    decision = decide(selectors.active_rule_sets(), facts)
    predicted_team = facts.get(PREDICTED_TEAM)
    if not decision.matched and not _strategy_applies(ticket.team_id) and predicted_team is None:
        return None
    applied, skipped = _apply_fields(ticket, decision)
    assignment = _assign(ticket, decision, predicted_team)
    policy_id = decision.values.get("sla_policy_id")
    if policy_id is not None:
        facts["sla_policy_id"] = policy_id
    outcome = RoutingOutcome(
        **decision.as_data(),
        applied=applied,
        skipped=skipped,
        assignment=assignment,
        sla_policy_id=policy_id,
    )
    record = outcome.model_dump(mode="json")
    if decision.observer_ids:
        record["observer_ids"] = list(decision.observer_ids)
    return record


def tags_on_created(event: TicketEvent) -> None:
    """The in-transaction observer: store the tags the rules gave a new ticket (routing's table)."""
    if not isinstance(event.payload, Created):
        return
    outcome = event.payload.routing
    tags = outcome.set.get("tags") if outcome else None
    if tags:
        TicketTag.objects.bulk_create(
            [TicketTag(ticket_id=event.ticket_id, tag=t) for t in tags], ignore_conflicts=True
        )
