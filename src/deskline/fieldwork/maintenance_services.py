"""Writes of maintenance plans: create, change and remove a plan (administrators, supervisors and
dispatchers), and skip or move one of its dates. Each write keeps the scheduler's cursor right:
a changed rule starts again from today, so no past date is created late."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from deskline.accounts.models import Team, User
from deskline.clients.models import Contract, Equipment, EquipmentKind, Site
from deskline.core.errors import NotFound, ValidationFailed
from deskline.core.permissions import require_registry_writer
from deskline.fieldwork import recurrence
from deskline.fieldwork.calendars import working_day_finder
from deskline.fieldwork.maintenance_models import (
    MaintenanceOccurrence,
    MaintenancePlan,
    OccurrenceState,
    PlanScope,
)
from deskline.fieldwork.models import ChecklistTemplate
from deskline.tickets.models import Category, Priority, TicketType

PLAN_FIELDS = ("name", "scope", "equipment_id", "site_id", "equipment_kind_id", "contract_id",
               "rule", "starts_on", "ends_on", "every_hours", "counter_parameter", "lead_days",
               "title", "description", "ticket_type_id", "category_id", "priority_id", "team_id",
               "checklist_template_id", "is_active")  # fmt: skip
_REFERENCES: dict[str, Any] = {
    "equipment_id": Equipment, "site_id": Site, "equipment_kind_id": EquipmentKind,
    "contract_id": Contract, "ticket_type_id": TicketType, "category_id": Category,
    "priority_id": Priority, "team_id": Team, "checklist_template_id": ChecklistTemplate,
}  # fmt: skip
MAX_LEAD_DAYS = 365


def _check_references(plan: MaintenancePlan) -> None:
    for field, model in _REFERENCES.items():
        value = getattr(plan, field)
        if value is not None and not model.objects.filter(pk=value).exists():
            raise ValidationFailed(f"unknown {field[:-3]}", fields={field: f"no row {value}"})


def _row(model: Any, pk: int | None) -> Any:
    return None if pk is None else model.objects.filter(pk=pk).first()


def _check_scope(plan: MaintenancePlan) -> None:
    """Fill the company (and site) from what the plan is for; refuse a half-filled scope."""
    if plan.scope == PlanScope.EQUIPMENT:
        item = _row(Equipment, plan.equipment_id)
        if item is None:
            raise ValidationFailed("name the equipment", fields={"equipment_id": "required"})
        plan.company_id, plan.site_id = item.company_id, item.site_id
        plan.equipment_kind_id = plan.contract_id = None
    elif plan.scope == PlanScope.KIND_AT_SITE:
        site = _row(Site, plan.site_id)
        if site is None or plan.equipment_kind_id is None:
            raise ValidationFailed("name the site and the equipment kind",
                                   fields={"site_id": "required", "equipment_kind_id": "required"})  # fmt: skip
        plan.company_id, plan.equipment_id, plan.contract_id = site.company_id, None, None
    elif plan.scope == PlanScope.CONTRACT:
        contract = _row(Contract, plan.contract_id)
        if contract is None:
            raise ValidationFailed("name the contract", fields={"contract_id": "required"})
        plan.company_id, plan.equipment_id, plan.equipment_kind_id = contract.company_id, None, None
    else:
        raise ValidationFailed("unknown scope", fields={"scope": ", ".join(PlanScope.values)})


def _counter_value(plan: MaintenancePlan) -> float | None:
    item = _row(Equipment, plan.equipment_id)
    if item is None:
        return None
    value = item.parameters.get(plan.counter_parameter)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _check_counter(plan: MaintenancePlan) -> None:
    if plan.scope != PlanScope.EQUIPMENT:
        raise ValidationFailed("an operating-hours plan is for one piece of equipment",
                               fields={"every_hours": "only for one piece of equipment"})  # fmt: skip
    item = Equipment.objects.select_related("kind").get(pk=plan.equipment_id or 0)
    numbers = {d.get("code") for d in item.kind.parameters or [] if d.get("type") == "number"}
    if plan.counter_parameter not in numbers:
        raise ValidationFailed("the counter must be a number parameter of the equipment's kind",
                               fields={"counter_parameter": f"one of {sorted(numbers)}"})  # fmt: skip


def _check_recurrence(plan: MaintenancePlan) -> None:
    if bool(plan.rule.strip()) == (plan.every_hours is not None):
        raise ValidationFailed(
            "give a recurrence rule or a number of operating hours (one of them)",
            fields={"rule": "a rule, or every_hours with counter_parameter"},
        )
    if plan.every_hours is not None:
        if plan.every_hours < 1:
            raise ValidationFailed("at least one hour", fields={"every_hours": "at least 1"})
        _check_counter(plan)
        return
    try:
        plan.rule = recurrence.check_rule(plan.rule, plan.starts_on)
    except recurrence.RuleError as exc:
        raise ValidationFailed(f"recurrence: {exc}", fields={"rule": str(exc)}) from exc


def plan_check(plan: MaintenancePlan) -> None:
    """Validate and normalise a plan (what the API and the admin both run before saving)."""
    plan.name, plan.title = plan.name.strip()[:200], plan.title.strip()[:300]
    if not plan.name or not plan.title:
        raise ValidationFailed("a plan needs a name and a ticket title",
                               fields={"name": "required", "title": "required"})  # fmt: skip
    plan.starts_on = plan.starts_on or timezone.localdate()
    if not 0 <= plan.lead_days <= MAX_LEAD_DAYS:
        raise ValidationFailed("lead time is 0 to 365 days", fields={"lead_days": "0 to 365"})
    if plan.ends_on is not None and plan.ends_on < plan.starts_on:
        raise ValidationFailed("the plan ends before it starts", fields={"ends_on": "before start"})
    _check_references(plan)
    _check_scope(plan)
    _check_recurrence(plan)


def plan_cursor_reset(plan: MaintenancePlan, *, today: dt.date) -> None:
    """Point the scheduler at the plan's first date from today on (or the next counter mark)."""
    if plan.every_hours is not None:
        value = _counter_value(plan) or 0.0
        plan.next_due_on = plan.create_from = None
        plan.counter_next = int(value) + plan.every_hours
        return
    plan.next_due_on, plan.create_from = recurrence.first_cursor(
        plan.rule, plan.starts_on, plan.ends_on, plan.lead_days, today
    )  # (None, date.max): finished, nothing more to do
    plan.counter_next = None


@transaction.atomic
def plan_create(*, actor: User, values: Mapping[str, Any]) -> MaintenancePlan:
    require_registry_writer(actor)
    plan = MaintenancePlan(**{k: v for k, v in values.items() if k in PLAN_FIELDS})
    plan_check(plan)
    plan_cursor_reset(plan, today=timezone.localdate())
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, actor: User, plan_id: int, changes: Mapping[str, Any]) -> MaintenancePlan:
    require_registry_writer(actor)
    plan = MaintenancePlan.objects.select_for_update().filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(f"maintenance plan {plan_id} not found")
    before = (plan.rule, plan.starts_on, plan.ends_on, plan.every_hours, plan.lead_days,
              plan.counter_parameter, plan.equipment_id)  # fmt: skip
    for key, value in changes.items():
        if key in PLAN_FIELDS:
            setattr(plan, key, value)
    plan_check(plan)
    after = (plan.rule, plan.starts_on, plan.ends_on, plan.every_hours, plan.lead_days,
             plan.counter_parameter, plan.equipment_id)  # fmt: skip
    if before != after:
        today = timezone.localdate()
        plan_cursor_reset(plan, today=today)
        # Dates written (or skipped, moved) under the old schedule and not yet created go.
        plan.occurrences.filter(
            due_on__gte=today, state__in=[OccurrenceState.PENDING, OccurrenceState.SKIPPED]
        ).delete()
    plan.save()
    return plan


@transaction.atomic
def plan_delete(*, actor: User, plan_id: int) -> None:
    """Remove a plan and its dates; tickets it created stay."""
    require_registry_writer(actor)
    if not MaintenancePlan.objects.filter(pk=plan_id).delete()[0]:
        raise NotFound(f"maintenance plan {plan_id} not found")


def _plan_for_date(plan_id: int, due_on: dt.date) -> MaintenancePlan:
    plan = MaintenancePlan.objects.select_for_update().filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(f"maintenance plan {plan_id} not found")
    if plan.every_hours is not None or not recurrence.is_date_of(plan.rule, plan.starts_on, due_on):
        raise ValidationFailed(f"{due_on} is not a date of this plan",
                               fields={"due_on": "not a date of the plan"})  # fmt: skip
    return plan


def _occurrence_set(plan: MaintenancePlan, due_on: dt.date, **values: Any) -> MaintenanceOccurrence:
    """Write the date's row (made now if the scheduler has not reached it): only while no
    ticket exists for it."""
    row = MaintenanceOccurrence.objects.filter(plan=plan, due_on=due_on, counter_at=None).first()
    if row is None:
        row = MaintenanceOccurrence(plan=plan, due_on=due_on, **values)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:  # the scheduler wrote it meanwhile: update that one
            return _occurrence_set(plan, due_on, **values)
        return row
    updated = MaintenanceOccurrence.objects.filter(
        pk=row.pk, state__in=[OccurrenceState.PENDING, OccurrenceState.SKIPPED]
    ).update(**values)
    if not updated:
        raise ValidationFailed("the ticket for this date exists already",
                               fields={"due_on": "ticket already created"})  # fmt: skip
    row.refresh_from_db()
    return row


@transaction.atomic
def occurrence_skip(
    *, actor: User, plan_id: int, due_on: dt.date, skip: bool = True
) -> MaintenanceOccurrence:
    """Skip one date of a plan (no ticket for it), or take the skip back."""
    require_registry_writer(actor)
    plan = _plan_for_date(plan_id, due_on)
    scheduled = working_day_finder(plan)(due_on)
    state = OccurrenceState.SKIPPED if skip else OccurrenceState.PENDING
    return _occurrence_set(plan, due_on, state=state, scheduled_on=scheduled, moved=False,
                           create_on=recurrence.create_on(scheduled, plan.lead_days))  # fmt: skip


@transaction.atomic
def occurrence_move(
    *, actor: User, plan_id: int, due_on: dt.date, to: dt.date
) -> MaintenanceOccurrence:
    """Plan one date's visit on another day (the next working day from `to`)."""
    require_registry_writer(actor)
    if to < timezone.localdate():
        raise ValidationFailed("move it to today or later", fields={"to": "in the past"})
    plan = _plan_for_date(plan_id, due_on)
    scheduled = working_day_finder(plan)(to)
    return _occurrence_set(plan, due_on, state=OccurrenceState.PENDING, scheduled_on=scheduled,
                           moved=True, create_on=recurrence.create_on(scheduled, plan.lead_days))  # fmt: skip
