"""Moving configuration between installations: export to a file, review the diff, import.

Configuration is the settings tables an admin edits (statuses and transitions, types,
priorities, categories, custom fields, calendars, SLA policies, targets, rules and escalation
steps, routing rule sets and rules, team strategies, triggers, notification templates) — never
tickets or clients. The file holds rows by id: it is made for a sandbox, a copy of production
whose ids match, so that what was tried there can be brought back after review. Import compares
every row with the database first (added, changed field by field, unchanged; rows only the
database has are listed, never deleted) and applies only when asked, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from deskline.core import refcache

FORMAT, VERSION = "deskline-config", 1
#: In dependency order: a row's references are written before the row.
MODELS = (
    "tickets.Status", "tickets.StatusTransition", "tickets.TicketType", "tickets.Priority",
    "tickets.Category", "tickets.CustomField", "sla.Calendar", "sla.CalendarException",
    "sla.SlaPolicy", "sla.SlaTarget", "sla.SlaRule", "sla.EscalationStep", "routing.RuleSet",
    "routing.Rule", "routing.TeamRouting", "routing.Trigger", "notifications.NotificationTemplate",
)  # fmt: skip


class ConfigFileError(Exception):
    """The file is not a Deskline configuration export, or cannot be applied."""


@dataclass
class ConfigDiff:
    added: list[str] = field(default_factory=list)
    changed: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    unchanged: int = 0
    only_here: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.added and not self.changed


def config_export() -> str:
    objects: list[dict[str, Any]] = []
    for label in MODELS:
        model = apps.get_model(label)
        objects += json.loads(serializers.serialize("json", model._default_manager.order_by("pk")))
    return json.dumps({"format": FORMAT, "version": VERSION, "objects": objects},
                      ensure_ascii=False, indent=1)  # fmt: skip


def _parsed(text: str) -> list[Any]:
    try:
        body = json.loads(text)
    except ValueError as exc:
        raise ConfigFileError(f"not JSON: {exc}") from exc
    if not isinstance(body, dict) or body.get("format") != FORMAT or body.get("version") != VERSION:
        raise ConfigFileError("not a Deskline configuration export (format deskline-config v1)")
    allowed = {label.lower() for label in MODELS}
    objects = body.get("objects") or []
    unknown = {str(o.get("model")) for o in objects if str(o.get("model")).lower() not in allowed}
    if unknown:
        raise ConfigFileError(f"the file holds rows that are not configuration: {sorted(unknown)}")
    try:
        return list(serializers.deserialize("json", json.dumps(objects)))
    except DeserializationError as exc:
        raise ConfigFileError(f"a row cannot be read: {exc}") from exc


def _comparable(value: Any) -> Any:
    """The file keeps instants to the millisecond (Django's JSON): compare them so."""
    if isinstance(value, dt.datetime | dt.time):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value


def _key(obj: Any) -> str:
    return f"{obj._meta.label}:{obj.pk}"


def config_diff(text: str) -> ConfigDiff:
    diff, seen = ConfigDiff(), set()
    for item in _parsed(text):
        new = item.object
        seen.add(_key(new))
        current = type(new)._default_manager.filter(pk=new.pk).first()
        if current is None:
            diff.added.append(f"{_key(new)} {new}")
            continue
        changes = {
            f.name: [f.value_from_object(current), f.value_from_object(new)]
            for f in new._meta.concrete_fields
            if _comparable(f.value_from_object(current)) != _comparable(f.value_from_object(new))
        }
        changes.update({
            name: [sorted(o.pk for o in getattr(current, name).all()), sorted(ids)]
            for name, ids in item.m2m_data.items()
            if sorted(o.pk for o in getattr(current, name).all()) != sorted(ids)
        })  # fmt: skip
        if changes:
            diff.changed[f"{_key(new)} {new}"] = changes
        else:
            diff.unchanged += 1
    for label in MODELS:
        model = apps.get_model(label)
        for pk in model._default_manager.values_list("pk", flat=True):
            if f"{model._meta.label}:{pk}" not in seen:
                diff.only_here.append(f"{model._meta.label}:{pk}")
    return diff


def _sequences_reset() -> None:
    """Rows saved with their ids leave PostgreSQL's id sequences behind: move them past."""
    statements = connection.ops.sequence_reset_sql(no_style(), [apps.get_model(m) for m in MODELS])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def config_import(text: str) -> ConfigDiff:
    """Apply the file (after computing its diff); returns the diff it applied."""
    diff = config_diff(text)
    try:
        with transaction.atomic():
            for item in _parsed(text):
                item.save()
            _sequences_reset()
            refcache.bump()
    except (IntegrityError, DatabaseError) as exc:
        raise ConfigFileError(f"the configuration does not fit this installation: {exc}") from exc
    return diff
