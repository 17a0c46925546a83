"""Writes of triage: accepting or dismissing a suggestion, each field's mode and threshold,
and keeping each prediction's fate (accepted, corrected) as people change the ticket.

Accepting goes through the ticket services like any change an agent makes (the history
names the agent, so the value counts as confirmed for training).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from deskline.accounts.models import User
from deskline.core.errors import NotFound, ValidationFailed
from deskline.core.permissions import require_admin, require_staff
from deskline.tickets.access import ticket_get_visible
from deskline.tickets.models import TicketEvent
from deskline.tickets.services import ticket_assign, ticket_update
from deskline.triage.fields import COLUMNS, NAMES
from deskline.triage.models import Mode, Outcome, TicketPrediction, TriageFieldSetting

OPEN_OUTCOMES = (Outcome.SUGGESTED, Outcome.APPLIED)


def _open_prediction(actor: User, number: int, field: str) -> TicketPrediction:
    require_staff(actor)
    ticket = ticket_get_visible(actor, number)
    prediction = TicketPrediction.objects.filter(
        ticket=ticket, field=field, outcome=Outcome.SUGGESTED
    ).first()
    if prediction is None:
        raise NotFound(f"no open {field} suggestion on ticket {number}")
    return prediction


@transaction.atomic
def prediction_accept(*, actor: User, number: int, field: str) -> TicketPrediction:
    """Set the suggested value on the ticket as the agent (one click); the prediction is marked
    accepted by the observer of that change."""
    prediction = _open_prediction(actor, number, field)
    if field == "team":
        ticket = prediction.ticket
        assignee = ticket.assignee
        keep = assignee is not None and assignee.teams.filter(pk=prediction.value_id).exists()
        ticket_assign(actor=actor, number=number, team_id=prediction.value_id,
                      assignee_id=ticket.assignee_id if keep else None,
                      reason="triage suggestion accepted")  # fmt: skip
    else:
        ticket_update(actor=actor, number=number, changes={COLUMNS[field]: prediction.value_id})
    prediction.refresh_from_db()
    return prediction


@transaction.atomic
def prediction_dismiss(*, actor: User, number: int, field: str) -> TicketPrediction:
    prediction = _open_prediction(actor, number, field)
    prediction.outcome, prediction.decided_at = Outcome.DISMISSED, timezone.now()
    prediction.save(update_fields=["outcome", "decided_at"])
    return prediction


@transaction.atomic
def field_setting_save(
    *, actor: User, field: str, mode: str, threshold: float
) -> TriageFieldSetting:
    """An admin sets a field's mode (off, suggest, apply) and its apply threshold."""
    require_admin(actor)
    errors = {}
    if field not in NAMES:
        errors["field"] = f"one of {', '.join(NAMES)}"
    if mode not in Mode.values:
        errors["mode"] = f"one of {', '.join(Mode.values)}"
    if not 0.0 <= threshold <= 1.0:
        errors["threshold"] = "between 0 and 1"
    if errors:
        raise ValidationFailed("invalid triage setting", fields=errors)
    setting, _ = TriageFieldSetting.objects.update_or_create(
        field=field, defaults={"mode": mode, "threshold": threshold}
    )
    return setting


_BY_COLUMN = {column: field for field, column in COLUMNS.items()}


def predictions_on_change(event: TicketEvent) -> None:
    """The in-transaction observer: a person who sets a predicted field accepts the prediction
    (same value) or corrects it (another value)."""
    fields = [_BY_COLUMN[c] for c in event.changes or {} if c in _BY_COLUMN]
    if not fields or event.kind == TicketEvent.Kind.CREATED:
        return
    actor = event.actor
    if actor is None or actor.is_system:
        return
    rows = TicketPrediction.objects.filter(
        ticket_id=event.ticket_id, field__in=fields, outcome__in=OPEN_OUTCOMES
    )
    for prediction in rows:
        after = event.changes[COLUMNS[prediction.field]][1]
        if after == prediction.value_id and prediction.outcome == Outcome.SUGGESTED:
            prediction.outcome = Outcome.ACCEPTED
        elif after != prediction.value_id:
            prediction.outcome = Outcome.CORRECTED
        else:
            continue
        prediction.decided_at = event.created_at
        prediction.save(update_fields=["outcome", "decided_at"])
