"""Writes of SLA configuration and per-ticket overrides.

Every change to a calendar (its hours, zone, holidays country, exceptions) or to a policy
(targets, calendar) bumps the row's `version` and enqueues the bulk recompute of the open
tickets that use it, in the same transaction. Overrides record a TicketEvent of kind "sla".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F

from deskline.accounts.models import User
from deskline.core.errors import NotFound, ValidationFailed
from deskline.core.permissions import require_admin
from deskline.core.records import integer_range_errors, refs
from deskline.sla.engine import due_dates, state_of
from deskline.sla.models import (
    Calendar,
    CalendarException,
    EscalationStep,
    SlaPolicy,
    SlaRule,
    SlaTarget,
)
from deskline.tickets.models import Status
from deskline.tickets.payloads import DeadlineOverridden
from deskline.tickets.services import ticket_sla_changed
from deskline.tickets.writing import lock_ticket

CALENDAR_FIELDS = ("name", "time_zone", "always", "week", "country", "subdiv", "is_default")
POLICY_FIELDS = (
    "name",
    "calendar_id",
    "pause_phases",
    "reaction_mode",
    "risk_threshold",
    "is_default",
)
STEP_FIELDS = (
    "name", "deadline", "trigger", "value", "notify_assignee", "notify_team_lead",
    "notify_manager", "notify_observers", "raise_priority", "reassign_team_id", "any_time", "is_active",
)  # fmt: skip


def _save(row: models.Model, **kwargs: Any) -> None:
    """full_clean then save; model and integrity errors become ValidationFailed (integers out of
    PostgreSQL's range too, on every database)."""
    out_of_range = integer_range_errors(row)
    if out_of_range:
        raise ValidationFailed("invalid SLA settings", fields=out_of_range)
    try:
        row.full_clean(**kwargs)
        with transaction.atomic():
            row.save()
    except ValidationError as exc:
        fields = {k: "; ".join(map(str, v)) for k, v in exc.message_dict.items()}
        raise ValidationFailed("invalid SLA settings", fields=fields) from exc
    except IntegrityError as exc:
        raise ValidationFailed("conflicts with another row", fields={"row": str(exc)}) from exc


def _get(model: type[models.Model], pk: int) -> Any:
    row = model._default_manager.filter(pk=pk).first()
    if row is None:
        raise NotFound(f"{model.__name__} {pk} not found")
    return row


def recompute_later(*, calendar_ids: Sequence[int] = (), policy_ids: Sequence[int] = ()) -> None:
    from deskline.sla.tasks import sla_recompute

    sla_recompute.enqueue(calendar_ids=list(calendar_ids), policy_ids=list(policy_ids))


def _bump_calendar(calendar_id: int) -> None:
    Calendar.objects.filter(pk=calendar_id).update(version=F("version") + 1)
    recompute_later(calendar_ids=[calendar_id])


@transaction.atomic
def calendar_save(*, actor: User, calendar_id: int | None, data: Mapping[str, Any]) -> Calendar:
    """Create (calendar_id None) or change a calendar; open tickets on it are recomputed."""
    require_admin(actor)
    calendar = Calendar() if calendar_id is None else _get(Calendar, calendar_id)
    for name in CALENDAR_FIELDS:
        if name in data:
            setattr(calendar, name, data[name])
    if calendar.is_default:
        Calendar.objects.filter(is_default=True).exclude(pk=calendar.pk).update(is_default=False)
    _save(calendar)
    if calendar_id is not None:
        _bump_calendar(calendar.pk)
        calendar.refresh_from_db()
    return calendar


@transaction.atomic
def calendar_delete(*, actor: User, calendar_id: int) -> None:
    require_admin(actor)
    calendar = _get(Calendar, calendar_id)
    if calendar.is_default:
        raise ValidationFailed("the default calendar cannot be deleted")
    try:
        calendar.delete()
    except models.ProtectedError as exc:
        raise ValidationFailed("a policy uses this calendar") from exc


@transaction.atomic
def calendar_exception_set(
    *, actor: User, calendar_id: int, day: date, kind: str, hours: str = "", note: str = ""
) -> CalendarException:
    """Add or replace the exception of one date (a day off, a working or shortened day)."""
    require_admin(actor)
    calendar = _get(Calendar, calendar_id)
    row = CalendarException.objects.filter(calendar=calendar, day=day).first()
    row = row or CalendarException(calendar=calendar, day=day)
    row.kind, row.hours, row.note = kind, hours, note
    _save(row, validate_constraints=False)
    _bump_calendar(calendar.pk)
    return row


@transaction.atomic
def calendar_exception_delete(*, actor: User, calendar_id: int, exception_id: int) -> None:
    require_admin(actor)
    deleted, _ = CalendarException.objects.filter(pk=exception_id, calendar_id=calendar_id).delete()
    if not deleted:
        raise NotFound(f"exception {exception_id} not found")
    _bump_calendar(calendar_id)


@transaction.atomic
def policy_save(
    *,
    actor: User,
    policy_id: int | None,
    data: Mapping[str, Any],
    targets: Sequence[Mapping[str, Any]] | None = None,
    steps: Sequence[Mapping[str, Any]] | None = None,
    pause_status_ids: Sequence[int] | None = None,
) -> SlaPolicy:
    """Create or change a policy; `targets`/`steps` (when given) replace the current ones."""
    require_admin(actor)
    policy = SlaPolicy() if policy_id is None else _get(SlaPolicy, policy_id)
    for name in POLICY_FIELDS:
        if name in data:
            setattr(policy, name, data[name])
    if policy.is_default:
        SlaPolicy.objects.filter(is_default=True).exclude(pk=policy.pk).update(is_default=False)
    _save(policy)
    if pause_status_ids is not None:
        policy.pause_statuses.set(refs(Status, "pause_status_ids", pause_status_ids))
    if targets is not None:
        policy.targets.all().delete()
        for target in targets:
            _save(SlaTarget(policy=policy, **target), validate_constraints=False)
    if steps is not None:
        policy.steps.all().delete()
        for step in steps:
            _save(EscalationStep(policy=policy, **{k: step[k] for k in STEP_FIELDS if k in step}))
    SlaPolicy.objects.filter(pk=policy.pk).update(version=F("version") + 1)
    if policy_id is not None:
        recompute_later(policy_ids=[policy.pk])
    policy.refresh_from_db()
    return policy


@transaction.atomic
def policy_delete(*, actor: User, policy_id: int) -> None:
    require_admin(actor)
    policy = _get(SlaPolicy, policy_id)
    if policy.is_default:
        raise ValidationFailed("the default policy cannot be deleted")
    policy.delete()


@transaction.atomic
def rule_save(*, actor: User, rule_id: int | None, data: Mapping[str, Any]) -> SlaRule:
    """Rules apply to tickets created (or re-prioritised, ...) from now on."""
    require_admin(actor)
    rule = SlaRule() if rule_id is None else _get(SlaRule, rule_id)
    for name, value in data.items():
        setattr(rule, name, value)
    _save(rule)
    return rule


@transaction.atomic
def rule_delete(*, actor: User, rule_id: int) -> None:
    require_admin(actor)
    _get(SlaRule, rule_id).delete()


@transaction.atomic
def deadline_override(
    *, actor: User, number: int, deadline: str, due: datetime, reason: str
) -> None:
    """A person sets a ticket's reaction or resolution deadline, with a reason (in history)."""
    require_admin(actor)
    if deadline not in ("reaction", "resolution"):
        raise ValidationFailed("unknown deadline", fields={"deadline": "reaction or resolution"})
    if not reason.strip():
        raise ValidationFailed("a reason is required", fields={"reason": "must not be empty"})
    if due.tzinfo is None:
        raise ValidationFailed("the deadline needs a time zone", fields={"due": "must be aware"})
    ticket = lock_ticket(actor, number, None)
    if not ticket.is_open:
        raise ValidationFailed("the ticket is not open", fields={"deadline": "ticket is done"})
    state = state_of(ticket)
    field = f"{deadline}_due"
    before = getattr(ticket, field)
    setattr(state, f"{deadline}_override", due)
    state.override_paused_minutes = ticket.paused_minutes
    state.save()
    after = due_dates(ticket, state).get(field, before)
    ticket_sla_changed(
        actor=actor,
        number=number,
        payload=DeadlineOverridden(
            fields={field: (_iso(before), _iso(after))},
            deadline=deadline,
            due=due,
            reason=reason.strip(),
        ),
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
