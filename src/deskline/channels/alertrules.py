"""Monitoring decisions (pure, no ORM): severity -> priority, label rules -> where, what to do.

`alert_action` is the deduplication: given what we know of an alert's fingerprint and a new
notice, it says whether to open a ticket, only count a repeat, bring a flapping alert back to
its ticket, note the recovery, or do nothing.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

#: Severity words of Alertmanager/Grafana conventions and Zabbix's six levels -> priority codes.
DEFAULT_SEVERITY_PRIORITIES: dict[str, str] = {
    "disaster": "critical",
    "critical": "critical",
    "page": "critical",
    "high": "high",
    "error": "high",
    "major": "high",
    "average": "high",
    "warning": "normal",
    "minor": "normal",
    "information": "low",
    "info": "low",
    "not classified": "low",
    "none": "low",
}


def severity_priority(severity: str, overrides: Mapping[str, str] | None = None) -> str:
    """The priority code for `severity` ("" = the default priority); overrides win."""
    key = severity.strip().lower()
    table = {**DEFAULT_SEVERITY_PRIORITIES, **{k.lower(): v for k, v in (overrides or {}).items()}}
    return table.get(key, "")


@dataclass(frozen=True)
class MappingRule:
    """`label` (e.g. "instance", "host") matching the glob `pattern` means this place."""

    rule_id: int
    label: str
    pattern: str
    company_id: int | None
    site_id: int | None = None
    equipment_id: int | None = None


def rule_match(rules: Sequence[MappingRule], labels: Mapping[str, str]) -> MappingRule | None:
    """The first rule (in the given order) whose label value matches its glob, case-blind."""
    for rule in rules:
        value = labels.get(rule.label)
        if value is not None and fnmatch.fnmatchcase(value.lower(), rule.pattern.lower()):
            return rule
    return None


class Action(StrEnum):
    OPEN = "open"  # a new ticket
    REPEAT = "repeat"  # still firing: only the counter moves
    REFIRE = "refire"  # fired again after a recovery, within the flap window: same ticket
    RESOLVE = "resolve"  # the recovery: a comment and, by setting, the ticket resolved
    NONE = "none"  # a recovery we already know, or of an alert we never saw


@dataclass(frozen=True)
class AlertState:
    firing: bool
    has_ticket: bool
    ticket_open: bool
    resolved_at: dt.datetime | None


def alert_action(
    state: AlertState | None, *, firing: bool, now: dt.datetime, flap_window: dt.timedelta
) -> Action:
    """What one notice does to the alert known as `state` (None: never seen)."""
    if not firing:
        return Action.RESOLVE if state is not None and state.firing else Action.NONE
    if state is None or not state.has_ticket:
        return Action.OPEN
    if state.firing:
        return Action.REPEAT
    recent = state.resolved_at is not None and now - state.resolved_at <= flap_window
    return Action.REFIRE if state.ticket_open or recent else Action.OPEN


def needs_incident(*, recent_alert_tickets: int, threshold: int) -> bool:
    """Whether the alerts of one site within the window call for a parent incident.

    `recent_alert_tickets` counts the new one too; a threshold under 2 switches grouping off.
    """
    return threshold >= 2 and recent_alert_tickets >= threshold
