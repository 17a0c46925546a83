"""Triage as a decider: predictions for a new ticket, made before its INSERT.

`triage_decide` runs in the "predict" stage of `ticket_create` (see `tickets.deciders`). For
each field whose mode is not off and that has an active model, it predicts the value with its
calibrated probability from the title and description, adds the facts
`predicted.<field>` (the value's name), `predicted.<field>_id` and
`predicted.<field>.confidence` for the routing rules that follow, and, in apply mode at or
above the threshold, sets the value on the unsaved ticket (category, type, priority). A team
is not set here: it is handed to routing as the fact `PREDICTED_TEAM`, which routing uses when
no rule names a team, so an admin's rule always wins over the model. The record it returns is
stored in the ticket's `created` event; the observer keeps one `TicketPrediction` per field.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from deskline.accounts.models import Team
from deskline.routing.decider import PREDICTED_TEAM
from deskline.tickets import config_cache
from deskline.tickets.models import Category, Priority, Ticket, TicketEvent, TicketType
from deskline.tickets.payloads import Created
from deskline.triage import policy
from deskline.triage.fields import COLUMNS
from deskline.triage.models import Outcome, TicketPrediction
from deskline.triage.selectors import active_fields

MODELS: dict[str, Any] = {
    "category": Category,
    "type": TicketType,
    "priority": Priority,
    "team": Team,
}


def _row(field: str, label: str) -> Any:
    """The active reference row a predicted label names, or None (deleted, deactivated)."""
    if not label.isdigit():
        return None
    row: Any = config_cache.row(MODELS[field], int(label))
    return row if row is not None and getattr(row, "is_active", True) else None


def _already_set(ticket: Ticket, field: str, given: set[str]) -> bool:
    """Whether the creator chose the field (type and priority always hold a default)."""
    if field == "team":  # an explicit assignee settles the team too
        return ticket.team_id is not None or ticket.assignee_id is not None
    if field == "category":
        return ticket.category_id is not None
    return COLUMNS[field] in given


def triage_decide(ticket: Ticket, facts: dict[str, Any]) -> dict[str, Any] | None:
    """The decider: predict, add the facts, apply what is confident enough; the record."""
    used = [a for a in active_fields().values() if a.classifier is not None]
    if not used:
        return None
    text = str(facts.get("text") or ticket.title)
    given = set(facts.get("given_fields") or ())
    predictions: dict[str, Any] = {}
    applied: dict[str, int] = {}
    explanation: list[str] = []
    for active in used:
        assert active.classifier is not None
        label, confidence = active.classifier.predict([text])[0]
        row = _row(active.field, label)
        if row is None:
            continue
        facts[f"predicted.{active.field}"] = row.name
        facts[f"predicted.{active.field}_id"] = row.pk
        facts[f"predicted.{active.field}.confidence"] = confidence
        result = policy.outcome(active.mode, active.threshold, confidence,
                                already_set=_already_set(ticket, active.field, given))  # fmt: skip
        if result == policy.APPLIED:
            applied[COLUMNS[active.field]] = row.pk
            if active.field == "team":
                facts[PREDICTED_TEAM] = row.pk
            else:
                setattr(ticket, active.field, row)
        predictions[active.field] = {
            "value_id": row.pk, "label": row.name, "confidence": confidence,
            "version": active.version, "mode": active.mode, "threshold": active.threshold,
            "outcome": result,
        }  # fmt: skip
        explanation.append(
            f"{active.field}: {row.name} at {confidence:.2f} "
            f"({result}; mode {active.mode}, threshold {active.threshold:.2f})"
        )
    if not predictions:
        return None
    return {"predictions": predictions, "applied": applied, "explanation": explanation}


def predictions_on_created(event: TicketEvent) -> None:
    """The in-transaction observer: one `TicketPrediction` per predicted field of a new ticket."""
    if not isinstance(event.payload, Created):
        return
    record = event.payload.triage
    ticket = event.ticket
    rows = []
    for field, p in (record.get("predictions") or {}).items():
        if p["outcome"] not in (policy.APPLIED, policy.SUGGESTED):
            continue
        holds = getattr(ticket, COLUMNS[field]) == p["value_id"]
        if holds and p["outcome"] == policy.SUGGESTED:
            continue  # a rule chose the same value: nothing to offer
        # A value applied and then overruled by a routing rule is offered as a suggestion.
        outcome = Outcome.APPLIED if holds else Outcome.SUGGESTED
        rows.append(TicketPrediction(
            ticket_id=ticket.pk, field=field, value_id=p["value_id"], label=p["label"],
            confidence=p["confidence"], model_version=p["version"] or 0, outcome=outcome,
            created_at=event.created_at or timezone.now(),
        ))  # fmt: skip
    if rows:
        TicketPrediction.objects.bulk_create(rows)
