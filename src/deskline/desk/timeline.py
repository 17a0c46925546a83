"""The ticket's timeline: comments and history events merged in time order, made readable."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from deskline.core.staffing_advice import staffing_note
from deskline.desk.choices import Choices
from deskline.tickets.models import Comment, TicketEvent
from deskline.tickets.payloads import SlaWarning

FIELD_LABELS = {
    "title": _("Title"),
    "description": _("Description"),
    "status": _("Status"),
    "phase": _("Phase"),
    "priority_id": _("Priority"),
    "type_id": _("Type"),
    "category_id": _("Category"),
    "team_id": _("Team"),
    "assignee_id": _("Assignee"),
    "company_id": _("Company"),
    "contact_id": _("Contact"),
    "site_id": _("Site"),
    "equipment_id": _("Equipment"),
    "parent": _("Parent ticket"),
    "parent_number": _("Parent ticket"),
    "rating": _("Rating"),
    "observer_ids": _("Observers"),
    "contract_id": _("Contract"),
    "custom_fields": _("Custom fields"),
}
#: Comments are shown themselves; their events would repeat them.
HIDDEN_KINDS = frozenset({TicketEvent.Kind.COMMENTED})


@dataclass
class Entry:
    at: dt.datetime
    kind: str
    comment: Comment | None = None
    event: TicketEvent | None = None
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)
    #: For staff: a breach-risk warning's staffing gap ("add 2 agents to team ... between ...").
    note: str = ""


def _namer(choices: Choices) -> dict[str, dict[Any, str]]:
    russian = translation.get_language() == "ru"
    return {
        "status": {
            s.code: (s.name_ru if russian and s.name_ru else s.name) for s in choices.statuses
        },
        "priority_id": {p.pk: p.name for p in choices.priorities},
        "type_id": {t.pk: t.name for t in choices.types},
        "category_id": {c.pk: c.name for c in choices.categories},
        "team_id": {t.pk: t.name for t in choices.teams},
        "assignee_id": {u.pk: str(u) for u in choices.agents},
    }


def _readable(names: dict[str, dict[Any, str]], name: str, value: Any) -> Any:
    if value in (None, "", [], {}):
        return "—"
    if name in ("description",):
        return "…"
    if isinstance(value, list):  # observers: each id by the agent's name
        each = names.get("assignee_id" if name == "observer_ids" else name, {})
        return ", ".join(str(each.get(v, v)) for v in value if isinstance(v, (int, str)))
    if isinstance(value, dict):  # custom fields: code: value
        return "; ".join(f"{code}: {v}" for code, v in sorted(value.items()))
    return names.get(name, {}).get(value, value)


def _note(event: TicketEvent) -> str:
    """The staffing gap of an SLA warning, in the viewer's language and time zone."""
    payload = event.payload
    if not isinstance(payload, SlaWarning):
        return ""
    return staffing_note(
        team=payload.staffing_team, start=payload.staffing_start, end=payload.staffing_end,
        missing=payload.staffing_missing, language=translation.get_language() or "en",
        time_zone=timezone.get_current_timezone_name(),
    )  # fmt: skip


def build_timeline(
    comments: list[Comment],
    events: list[TicketEvent],
    choices: Choices | None,
    *,
    staff: bool = False,
) -> list[Entry]:
    """Comments and events in time order; `staff` adds the notes only staff may read."""
    names = _namer(choices) if choices is not None else {}
    entries = [Entry(at=c.created_at, kind="comment", comment=c) for c in comments]
    for event in events:
        if event.kind in HIDDEN_KINDS:
            continue
        changes = [
            (
                str(FIELD_LABELS.get(name, name)),
                _readable(names, name, pair[0]),
                _readable(names, name, pair[1]),
            )
            for name, pair in event.changes.items()
            if name != "phase" and isinstance(pair, list) and len(pair) == 2
        ]
        note = _note(event) if staff and event.kind == "sla" else ""
        entries.append(
            Entry(at=event.created_at, kind="event", event=event, changes=changes, note=note)
        )
    entries.sort(key=lambda e: (e.at, 0 if e.kind == "event" else 1))
    return entries
