"""What-if for automation triggers: which proposed event triggers would have fired on the events
of the last days, against how often the triggers in force fired, writing nothing.

Each event of the window is matched as automation matches it (`event_names`, then the trigger's
conditions over the ticket's facts). The facts are the ticket's as it stands now, not as it was
at each event: a replay of history would need every past state, and a trigger's conditions are
mostly about what a ticket is (its company, type, priority), which changes rarely. Time triggers
are not replayed (they depend on the clock, not on events) and are listed as such.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from deskline.accounts.models import User
from deskline.core.errors import ValidationFailed
from deskline.operations.replay import FACT_RELATIONS, replay_since
from deskline.routing.automation import event_names
from deskline.routing.config_services import trigger_errors
from deskline.routing.matching import matches
from deskline.routing.models import Trigger
from deskline.tickets.facts import ticket_facts
from deskline.tickets.models import TicketEvent

MAX_EVENTS = 20_000


def _checked(proposed: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    errors: dict[str, str] = {}
    for i, trigger in enumerate(proposed):
        values = {"when": "event", "conditions": [], "actions": {}, **trigger}
        errors.update({f"triggers.{i}.{k}": v for k, v in trigger_errors(values).items()})
    if errors:
        raise ValidationFailed("the proposed triggers are not valid", fields=errors)
    return [{"when": "event", "conditions": [], **t} for t in proposed]


def triggers_what_if(
    *, actor: User, triggers: Sequence[Mapping[str, Any]], days: int = 30, examples: int = 5
) -> dict[str, Any]:
    since = replay_since(actor=actor, days=days)
    proposed = _checked(triggers)
    current = [
        {"name": t.name, "when": t.when, "events": t.events, "conditions": t.conditions}
        for t in Trigger.objects.filter(is_active=True)
    ]
    events = (
        TicketEvent.objects.filter(created_at__gte=since)
        .select_related(*(f"ticket__{r}" for r in FACT_RELATIONS))
        .order_by("-created_at")[:MAX_EVENTS]
    )  # fmt: skip
    fired: dict[tuple[str, str], list[int]] = defaultdict(list)
    facts_of: dict[int, dict[str, Any]] = {}
    for event in events:
        names = event_names(event)
        for side, group in (("now", current), ("proposed", proposed)):
            for trigger in group:
                if trigger["when"] != "event" or not names & set(trigger["events"]):
                    continue
                facts = facts_of.get(event.ticket_id)
                if facts is None:
                    facts = facts_of[event.ticket_id] = ticket_facts(event.ticket)
                if matches(trigger["conditions"], facts)[0]:
                    fired[(side, trigger["name"])].append(event.ticket.number)
    rows = []
    for side, group in (("now", current), ("proposed", proposed)):
        for trigger in group:
            numbers = fired.get((side, trigger["name"]), [])
            rows.append({"trigger": trigger["name"], "side": side,
                         "replayed": trigger["when"] == "event", "fires": len(numbers),
                         "examples": sorted(set(numbers))[:examples]})  # fmt: skip
    return {"events": len(events), "days": days, "triggers": rows}
