"""What-if for SLA: replay recent tickets through proposed policy rules and targets, writing
nothing, and report which tickets would get another policy, how their resolution deadlines
would move, and whether SLA met/breached would change — grouped by the proposed rule, with
examples. The routing what-if (`whatif.py`) does the same for routing rules.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from deskline.accounts.models import User
from deskline.core.errors import ValidationFailed
from deskline.operations.replay import recent_tickets, replay_since
from deskline.sla import matching, resolve
from deskline.sla.deadlines import deadline
from deskline.tickets.models import Ticket

_RULE_KEYS = frozenset({"id", "policy_id", "order", *matching.CONDITIONS})


def _proposed_config(
    rules: Sequence[Mapping[str, Any]] | None, targets: Sequence[Mapping[str, Any]] | None
) -> resolve.SlaConfiguration:
    current = resolve.configuration()
    errors: dict[str, str] = {}
    specs = list(current.rules)
    if rules is not None:
        specs = []
        for i, rule in enumerate(rules):
            unknown = set(rule) - _RULE_KEYS
            if unknown:
                errors[f"rules.{i}"] = f"unknown keys {sorted(unknown)}"
            elif rule.get("policy_id") not in current.policies:
                errors[f"rules.{i}.policy_id"] = "no such policy"
            else:
                specs.append(matching.RuleSpec(**{"id": -(i + 1), **dict(rule)}))
    merged = dict(current.targets)
    for i, target in enumerate(targets or ()):
        try:
            key = (int(target["policy_id"]), int(target["priority_id"]))
            merged[key] = (target.get("reaction_minutes"), target.get("resolution_minutes"))
        except (KeyError, TypeError, ValueError):
            errors[f"targets.{i}"] = "needs policy_id, priority_id and the minutes"
    if errors:
        raise ValidationFailed("the proposed SLA configuration is not valid", fields=errors)
    return dataclasses.replace(current, rules=tuple(specs), targets=merged)


def _resolution_due(
    ticket: Ticket, config: resolve.SlaConfiguration
) -> tuple[int | None, str, dt.datetime | None]:
    choice = resolve.choose_for(resolve.facts_of(ticket, config=config), config=config)
    policy_id = choice.policy.pk if choice.policy else None
    _, minutes = (config.targets.get((policy_id, ticket.priority_id), (None, None))
                  if policy_id is not None else (None, None))  # fmt: skip
    due = deadline(resolve.work_calendar(choice.calendar), ticket.created_at, minutes,
                   ticket.paused_minutes)  # fmt: skip
    return policy_id, choice.policy_reason, due


def sla_what_if(
    *,
    actor: User,
    rules: Sequence[Mapping[str, Any]] | None = None,
    targets: Sequence[Mapping[str, Any]] | None = None,
    days: int = 30,
    examples: int = 5,
) -> dict[str, Any]:
    since = replay_since(actor=actor, days=days)
    proposed, current = _proposed_config(rules, targets), resolve.configuration()
    now = timezone.now()
    tickets = recent_tickets(since)
    counts: Counter[str] = Counter()
    by_cause: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ticket in tickets:
        before, after = _resolution_due(ticket, current), _resolution_due(ticket, proposed)
        if before[0] == after[0] and before[2] == after[2]:
            continue
        done = ticket.resolved_at or now
        met_before = before[2] is None or done <= before[2]
        met_after = after[2] is None or done <= after[2]
        counts["policy_changed"] += before[0] != after[0]
        counts["deadline_moved"] += before[2] != after[2]
        counts["met_to_breached"] += met_before and not met_after
        counts["breached_to_met"] += met_after and not met_before
        by_cause[after[1]].append({
            "number": ticket.number, "title": ticket.title,
            "before": {"policy_id": before[0], "resolution_due": before[2]},
            "after": {"policy_id": after[0], "resolution_due": after[2]},
        })  # fmt: skip
    return {
        "tickets": len(tickets), "days": days, "changed": sum(map(len, by_cause.values())),
        "sla": {k: counts[k] for k in ("policy_changed", "deadline_moved", "met_to_breached",
                                        "breached_to_met")},
        "rules": [{"rule": cause, "tickets": len(items), "examples": items[:examples]}
                  for cause, items in sorted(by_cause.items(), key=lambda kv: -len(kv[1]))],
    }  # fmt: skip
