"""Writes for rule sets and rules (admins only), and the dry run of the rules on ticket fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from deskline.accounts.models import User
from deskline.core.errors import NotFound, ValidationFailed
from deskline.core.permissions import require_admin
from deskline.core.records import must_ref, save_checked
from deskline.routing import matching, selectors
from deskline.routing.models import Rule, RuleSet
from deskline.tickets.facts import ticket_facts
from deskline.tickets.models import Channel, Priority, Status, Ticket, TicketType
from deskline.tickets.resolving import check_registry_fit, resolve

RULE_SET_FIELDS = ("name", "mode", "order", "is_active")
RULE_FIELDS = ("name", "order", "conditions", "actions", "is_active")


def _check_rule_set(values: Mapping[str, Any], pk: int | None) -> None:
    if "name" in values and not str(values["name"]).strip():
        raise ValidationFailed("name is required", fields={"name": "must not be empty"})
    if "mode" in values and values["mode"] not in matching.MODES:
        raise ValidationFailed("unknown mode", fields={"mode": f"one of {sorted(matching.MODES)}"})
    name = values.get("name")
    taken = RuleSet.objects.filter(name=name)
    if pk is not None:
        taken = taken.exclude(pk=pk)
    if name and taken.exists():
        raise ValidationFailed("name is taken", fields={"name": "another rule set has it"})


def _check_rule(values: Mapping[str, Any]) -> None:
    errors: dict[str, str] = {}
    if "name" in values and not str(values["name"]).strip():
        errors["name"] = "must not be empty"
    for key, check in (
        ("conditions", matching.validate_conditions),
        ("actions", matching.validate_actions),
    ):
        if key in values:
            try:
                check(values[key])
            except matching.ConditionError as exc:
                errors.update(exc.errors)
    if errors:
        raise ValidationFailed("the rule is not valid", fields=errors)


@transaction.atomic
def rule_set_create(*, actor: User, name: str, mode: str = "first_match", order: int = 0,
                    is_active: bool = True) -> RuleSet:  # fmt: skip
    require_admin(actor)
    values = {"name": name.strip(), "mode": mode, "order": order, "is_active": is_active}
    _check_rule_set(values, None)
    return save_checked(RuleSet(**values))


def _get(model: type[RuleSet] | type[Rule], pk: int) -> Any:
    row = model.objects.filter(pk=pk).first()
    if row is None:
        raise NotFound(f"{model.__name__.lower()} {pk} not found")
    return row


@transaction.atomic
def rule_set_update(*, actor: User, rule_set_id: int, changes: Mapping[str, Any]) -> RuleSet:
    require_admin(actor)
    rule_set: RuleSet = _get(RuleSet, rule_set_id)
    values = {k: v for k, v in changes.items() if k in RULE_SET_FIELDS}
    _check_rule_set(values, rule_set.pk)
    for key, value in values.items():
        setattr(rule_set, key, value)
    return save_checked(rule_set)


@transaction.atomic
def rule_set_delete(*, actor: User, rule_set_id: int) -> None:
    require_admin(actor)
    _get(RuleSet, rule_set_id).delete()


@transaction.atomic
def rule_create(*, actor: User, rule_set_id: int, name: str, order: int = 0,
                conditions: list[Any] | None = None, actions: dict[str, Any] | None = None,
                is_active: bool = True) -> Rule:  # fmt: skip
    require_admin(actor)
    rule_set = must_ref(RuleSet, "rule_set_id", rule_set_id)
    values = {"name": name.strip(), "order": order, "conditions": conditions or [],
              "actions": actions or {}, "is_active": is_active}  # fmt: skip
    _check_rule(values)
    return save_checked(Rule(rule_set=rule_set, **values))


@transaction.atomic
def rule_update(*, actor: User, rule_id: int, changes: Mapping[str, Any]) -> Rule:
    require_admin(actor)
    rule: Rule = _get(Rule, rule_id)
    values = {k: v for k, v in changes.items() if k in RULE_FIELDS}
    if "rule_set_id" in changes:
        values["rule_set"] = must_ref(RuleSet, "rule_set_id", changes["rule_set_id"])
    _check_rule(values)
    for key, value in values.items():
        setattr(rule, key, value)
    return save_checked(rule)


@transaction.atomic
def rule_delete(*, actor: User, rule_id: int) -> None:
    require_admin(actor)
    _get(Rule, rule_id).delete()


def routing_dry_run(*, actor: User, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Which rules would match a ticket with these fields, in order, and what they would set."""
    require_admin(actor)
    ticket = Ticket(
        title=str(fields.get("title") or ""),
        description=str(fields.get("description") or ""),
        channel=fields.get("channel") or Channel.API,
        custom_fields=dict(fields.get("custom_fields") or {}),
    )
    for name in ("category", "company", "contact", "site", "equipment", "contract", "team",
                 "assignee"):  # fmt: skip
        setattr(ticket, name, resolve(name, fields.get(f"{name}_id")))
    ticket_type = resolve("type", fields.get("type_id"))
    priority = resolve("priority", fields.get("priority_id"))
    ticket_type = ticket_type or TicketType.objects.filter(is_default=True).first()
    priority = priority or Priority.objects.filter(is_default=True).first()
    if ticket_type is not None:
        ticket.type = ticket_type
    if priority is not None:
        ticket.priority = priority
    status = Status.objects.filter(is_initial=True).first()
    if status is not None:
        ticket.status, ticket.phase = status, status.phase
    check_registry_fit(ticket)
    facts = ticket_facts(ticket, now=fields.get("at"))
    if "working_hours" in fields and fields["working_hours"] is not None:
        facts["working_hours"] = bool(fields["working_hours"])
    decision = matching.decide(selectors.active_rule_sets(), facts)
    return {"facts": facts, **decision.as_data()}
