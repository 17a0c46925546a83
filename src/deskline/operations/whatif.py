"""What-if: replay recent tickets through a proposed routing configuration, writing nothing.

Each ticket created in the last N days is turned back into the facts routing saw when it was
created (its fields as they stand, minus what routing itself set then: team, assignee and any
field a rule applied return to "not set" or the default), decided once with the rules in force
and once with the proposed ones, and the two outcomes compared: team, assignee, priority, type,
category, SLA policy, tags. Where the priority or the policy differs, the resolution deadline
is computed both ways on the ticket's SLA calendar, and whether it was (or is being) met.
Differences are grouped by the proposed rule that caused them, with examples.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from deskline.accounts.models import User
from deskline.core.errors import ValidationFailed
from deskline.operations.replay import recent_tickets, replay_since
from deskline.routing import matching, selectors
from deskline.routing.matching import Decision, RuleSetSpec, RuleSpec
from deskline.sla import resolve
from deskline.sla.deadlines import deadline
from deskline.sla.matching import TicketFacts
from deskline.tickets import config_cache
from deskline.tickets.facts import ticket_facts
from deskline.tickets.models import Priority, Status, Ticket, TicketEvent, TicketType
from deskline.tickets.payloads import Created

COMPARED = ("team_id", "assignee_id", "priority_id", "type_id", "category_id", "sla_policy_id")


def rule_sets_parse(raw: Sequence[Mapping[str, Any]]) -> list[RuleSetSpec]:
    """The proposed rule sets (the shape `GET /routing/rule-sets` gives), checked."""
    specs, errors = [], {}
    for i, rule_set in enumerate(raw):
        mode = rule_set.get("mode", "first_match")
        if mode not in matching.MODES:
            errors[f"rule_sets.{i}.mode"] = f"one of {sorted(matching.MODES)}"
        rules = []
        for j, rule in enumerate(rule_set.get("rules") or []):
            for part, check in (("conditions", matching.validate_conditions),
                                ("actions", matching.validate_actions)):  # fmt: skip
                try:
                    check(rule.get(part, [] if part == "conditions" else {}))
                except matching.ConditionError as exc:
                    errors.update(
                        {f"rule_sets.{i}.rules.{j}.{k}": v for k, v in exc.errors.items()}
                    )
            if rule.get("is_active", True):
                rules.append(RuleSpec(int(rule.get("id") or -(j + 1)), str(rule.get("name") or f"rule {j + 1}"),
                                      rule.get("conditions") or [], rule.get("actions") or {}))  # fmt: skip
        if rule_set.get("is_active", True):
            specs.append(RuleSetSpec(int(rule_set.get("id") or -(i + 1)),
                                     str(rule_set.get("name") or f"set {i + 1}"), mode, rules))  # fmt: skip
    if errors:
        raise ValidationFailed("the proposed rules are not valid", fields=errors)
    return specs


def _created_routing(ticket_ids: list[int]) -> dict[int, dict[str, Any]]:
    """What routing set on each ticket when it was created (applied fields and assignment)."""
    found: dict[int, dict[str, Any]] = {}
    for event in TicketEvent.objects.filter(ticket_id__in=ticket_ids, kind="created"):
        payload = event.payload
        outcome = payload.routing if isinstance(payload, Created) else None
        if outcome is not None:
            found[event.ticket_id] = {**outcome.applied, **{
                k: v for k, v in outcome.assignment.items() if k in ("team_id", "assignee_id")}}  # fmt: skip
    return found


def _facts_as_created(ticket: Ticket, routed: Mapping[str, Any]) -> dict[str, Any]:
    facts = ticket_facts(ticket, now=ticket.created_at)
    initial = config_cache.rows_by_id(Status)
    first = next((s for s in initial.values() if s.is_initial), None)
    facts.update(status=first.code if first else None, phase="new")
    if "team_id" in routed:
        facts.update(team=None, team_line=None)
    if "assignee_id" in routed:
        facts["assignee"] = None
    if "priority_id" in routed:
        default = config_cache.default_priority()
        facts.update(priority=default.code, priority_weight=default.weight)
    if "type_id" in routed:
        facts["type"] = config_cache.default_type().code
    if "category_id" in routed:
        facts.update(category=None, category_name=None)
    return facts


def _outcome(decision: Decision, facts: Mapping[str, Any]) -> dict[str, Any]:
    values = {key: decision.values.get(key) for key in COMPARED}
    priority = config_cache.rows_by_id(Priority)
    by_code = {p.code: p.pk for p in priority.values()}
    values["priority_id"] = values["priority_id"] or by_code.get(facts.get("priority") or "")
    types = {t.code: t.pk for t in config_cache.rows_by_id(TicketType).values()}
    values["type_id"] = values["type_id"] or types.get(facts.get("type") or "")
    values["tags"] = sorted(decision.tags)
    return values


def _resolution_due(ticket: Ticket, outcome: Mapping[str, Any]) -> dt.datetime | None:
    facts = TicketFacts(
        contract_id=ticket.contract_id, company_id=ticket.company_id,
        company_category_id=ticket.company.category_id if ticket.company else None,
        type_id=outcome["type_id"], category_ids=resolve.category_chain(ticket.category_id),
        priority_id=outcome["priority_id"], site_id=ticket.site_id,
    )  # fmt: skip
    choice = resolve.choose_for(facts, policy_id=outcome["sla_policy_id"])
    _, resolution = resolve.targets_for(choice.policy.pk if choice.policy else None,
                                        outcome["priority_id"] or 0)  # fmt: skip
    return deadline(resolve.work_calendar(choice.calendar), ticket.created_at, resolution,
                    ticket.paused_minutes)  # fmt: skip


def _cause(after: Decision, before: Decision, changed: set[str]) -> str:
    for decision, prefix in ((after, ""), (before, "no longer: ")):
        for match in decision.matches:
            if changed & set(match.applied) or ("tags" in changed and match.applied.get("tags")):
                return f"{prefix}{match.rule_set} / {match.rule}"
    return "assignment strategy"


def routing_what_if(
    *, actor: User, rule_sets: Sequence[Mapping[str, Any]], days: int = 30, examples: int = 5
) -> dict[str, Any]:
    since = replay_since(actor=actor, days=days)
    proposed, current = rule_sets_parse(rule_sets), selectors.active_rule_sets()
    now = timezone.now()
    tickets = recent_tickets(since)
    routed = _created_routing([t.pk for t in tickets])
    fields: Counter[str] = Counter()
    sla: Counter[str] = Counter()
    by_rule: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ticket in tickets:
        facts = _facts_as_created(ticket, routed.get(ticket.pk, {}))
        before_decision = matching.decide(current, facts)
        after_decision = matching.decide(proposed, facts)
        before = _outcome(before_decision, facts)
        after = _outcome(after_decision, facts)
        changed = {key for key in before if before[key] != after[key]}
        if not changed:
            continue
        fields.update(changed)
        example: dict[str, Any] = {
            "number": ticket.number, "title": ticket.title,
            "before": {k: before[k] for k in sorted(changed)},
            "after": {k: after[k] for k in sorted(changed)},
        }  # fmt: skip
        if changed & {"priority_id", "sla_policy_id", "type_id"}:
            due_before, due_after = _resolution_due(ticket, before), _resolution_due(ticket, after)
            done = ticket.resolved_at or now
            met_before = due_before is None or done <= due_before
            met_after = due_after is None or done <= due_after
            sla["deadline_moved"] += due_before != due_after
            sla["met_to_breached"] += met_before and not met_after
            sla["breached_to_met"] += met_after and not met_before
            example["resolution_due"] = {"before": due_before, "after": due_after}
        by_rule[_cause(after_decision, before_decision, changed)].append(example)
    return {
        "tickets": len(tickets), "days": days, "changed": sum(len(v) for v in by_rule.values()),
        "fields": dict(fields), "sla": {k: sla[k] for k in ("deadline_moved", "met_to_breached", "breached_to_met")},
        "rules": [
            {"rule": rule, "tickets": len(items), "examples": items[:examples]}
            for rule, items in sorted(by_rule.items(), key=lambda kv: -len(kv[1]))
        ],
    }  # fmt: skip
