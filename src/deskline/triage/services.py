"""Writes of triage: accepting or dismissing a suggestion, each field's mode and threshold,
keeping each prediction's fate (accepted, corrected) as people change the ticket, and
predicting a new ticket again once its embedding is stored (`prediction_refresh`).

Accepting goes through the ticket services like any change an agent makes (the history
names the agent, so the value counts as confirmed for training).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from deskline.accounts.models import User
from deskline.accounts.system import system_user
from deskline.core.errors import NotFound, ValidationFailed
from deskline.core.permissions import require_admin, require_staff
from deskline.tickets.access import ticket_get_visible
from deskline.tickets.models import Ticket, TicketEvent
from deskline.tickets.services import ticket_assign, ticket_update
from deskline.triage import policy
from deskline.triage.fields import COLUMNS, NAMES
from deskline.triage.models import (
    Mode,
    Outcome,
    TicketEmbedding,
    TicketPrediction,
    TriageFieldSetting,
)

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


def _changed_after_creation(ticket_id: int, column: str) -> bool:
    """Whether any event after the ticket's creation changed `column` (a person, a rule, an
    automation, or this refresh before)."""
    changes = (
        TicketEvent.objects.filter(ticket_id=ticket_id)
        .exclude(kind=TicketEvent.Kind.CREATED)
        .values_list("changes", flat=True)
    )
    return any(column in (c or {}) for c in changes)


def prediction_refresh(ticket_id: int) -> list[str]:
    """Predict a ticket's fields again with its stored embedding (the full model), for the
    predictions still open (suggested or applied, nobody having decided): a changed suggestion
    is offered instead; in apply mode a value at or above the threshold is set (as the
    *Triage* system user) on a field nobody and no rule set since the ticket was created. A
    team is only suggested (its assignee came with the team). Returns what changed."""
    from deskline.triage.decider import _row  # the reference row a label names
    from deskline.triage.selectors import active_fields

    vector_row = TicketEmbedding.objects.filter(ticket_id=ticket_id).first()
    if vector_row is None:
        return []
    open_rows = {
        p.field: p
        for p in TicketPrediction.objects.filter(ticket_id=ticket_id, outcome__in=OPEN_OUTCOMES)
    }
    fields = [
        a for name, a in active_fields().items()
        if name in open_rows and a.classifier is not None and a.classifier.uses_embeddings
        and a.classifier.encoder == vector_row.encoder
    ]  # fmt: skip
    if not fields:
        return []
    import numpy as np

    from deskline.triage import embeddings
    from deskline.triage.selectors import ticket_text

    ticket = Ticket.objects.get(pk=ticket_id)
    text = ticket_text(ticket.title, ticket.description)
    if embeddings.text_hash(text) != vector_row.text_hash:
        return []  # the text changed since: its own job will come
    vector = np.asarray(embeddings.from_bytes(bytes(vector_row.vector)), dtype=np.float32)[None, :]
    created = TicketEvent.objects.filter(ticket_id=ticket_id, kind=TicketEvent.Kind.CREATED).first()
    record = dict(getattr(created.payload, "triage", {}) or {}) if created else {}
    routing = (
        dict(((created.data or {}).get("decisions") or {}).get("routing") or {}) if created else {}
    )
    ruled = set(routing.get("applied") or {}) | set(routing.get("set") or {})
    done: list[str] = []
    for active in fields:
        assert active.classifier is not None
        label, confidence = active.classifier.predict([text], vector)[0]
        row = _row(active.field, label)
        prediction = open_rows[active.field]
        if row is None:
            continue
        column = COLUMNS[active.field]
        first = (record.get("predictions") or {}).get(active.field) or {}
        may_apply = (
            active.field != "team"
            and policy.outcome(active.mode, active.threshold, confidence, already_set=False)
            == policy.APPLIED
            and column not in ruled
            # a suggestion made below the threshold (not an applied value a rule overruled)
            and first.get("outcome") in (policy.SUGGESTED, policy.APPLIED)
            and not (
                prediction.outcome == Outcome.SUGGESTED and first.get("outcome") == policy.APPLIED
            )
        )
        outcome: str
        with transaction.atomic():
            # Under the ticket's lock: a person may have acted since the checks above.
            current = (
                Ticket.objects.select_for_update().filter(pk=ticket_id)
                .values_list(column, flat=True).first()
            )  # fmt: skip
            prediction.refresh_from_db()
            if prediction.outcome not in OPEN_OUTCOMES:
                continue
            if may_apply and current != row.pk and not _changed_after_creation(ticket_id, column):
                ticket_update(actor=system_user("triage"), number=ticket.number,
                              changes={column: row.pk})  # fmt: skip
                current, outcome = row.pk, Outcome.APPLIED
            elif current == row.pk:
                outcome = Outcome.APPLIED if prediction.outcome == Outcome.APPLIED else ""
            else:
                outcome = Outcome.SUGGESTED
            if not outcome:  # the ticket already holds the new value: nothing to offer
                prediction.delete()
                done.append(f"{active.field}: suggestion withdrawn ({row.name} already set)")
                continue
            changed = (prediction.value_id, prediction.outcome) != (row.pk, outcome)
            prediction.value_id, prediction.label = row.pk, row.name
            prediction.confidence, prediction.outcome = confidence, outcome
            prediction.model_version = active.version or prediction.model_version
            prediction.save(update_fields=["value_id", "label", "confidence", "outcome",
                                           "model_version"])  # fmt: skip
        if changed:
            done.append(f"{active.field}: {row.name} at {confidence:.2f} ({outcome})")
    return done
