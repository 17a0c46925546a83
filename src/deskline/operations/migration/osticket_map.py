"""osTicket rows to migration records: statuses, priorities, thread entries (pure).

osTicket (setup/inc/streams/core/install-mysql.sql, include/class.ticket.php) keeps a ticket's
number as text (random digits by default, or a configured pattern such as "ABC-0042"), its
status as a row of ost_ticket_status whose `state` is open, closed, archived or deleted (the
stock ones: Open, Resolved, Closed, Archived, Deleted), its subject and priority as answers of
the ticket form (form_entry_values of the fields named "subject" and "priority"), and its
conversation as thread entries: M a message from the user (the first one is the request), R an
agent's response, N an internal note. Priorities have an urgency: 1 Emergency to 4 Low.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from deskline.operations.migration.helpdesk_map import when
from deskline.operations.migration.records import (
    SourceComment,
    SourceFile,
    SourcePerson,
    SourceTicket,
    closing_dates,
)

URGENCY = {1: "critical", 2: "high", 3: "normal", 4: "low"}
Row = Mapping[str, Any]


def phase_for(state: str, status_name: str, *, answered: bool) -> str:
    """The Deskline phase of an osTicket status: open is "new" until an agent answered; a
    closed status named like "Resolved" is resolved; closed, archived and deleted are closed."""
    state = (state or "").lower()
    if state == "open":
        return "open" if answered else "new"
    if state == "closed" and "resolv" in (status_name or "").lower():
        return "resolved"
    return "closed"


def priority_for(urgency: Any) -> str:
    try:
        return URGENCY.get(int(urgency), "normal")
    except (TypeError, ValueError):
        return "normal"


def priority_id_of(value: Any, value_id: Any) -> int | None:
    """The priority answer's id: `value_id`, or the key of a `{"2": "Normal"}` value."""
    if value_id not in (None, ""):
        return int(value_id)
    try:
        parsed = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if isinstance(parsed, dict) and parsed:
        key = next(iter(parsed))
        return int(key) if str(key).isdigit() else None
    return int(value) if isinstance(value, str) and value.isdigit() else None


def number_of(text: Any) -> tuple[int | None, str]:
    """(the number to keep, the original text when it is not a plain number)."""
    shown = str(text or "").strip()
    if re.fullmatch(r"[0-9]{1,15}", shown):
        return int(shown), ""
    return None, shown


def staff_person(staff: Row | None) -> SourcePerson | None:
    if staff is None:
        return None
    name = " ".join(p for p in (staff.get("firstname") or "", staff.get("lastname") or "") if p)
    return SourcePerson(external_id=str(staff["staff_id"]), email=staff.get("email") or "",
                        name=name or str(staff.get("username") or ""))  # fmt: skip


def entry_comment(entry: Row, files: Sequence[SourceFile], staff: Row | None) -> SourceComment:
    kind = entry.get("type")
    return SourceComment(
        external_id=str(entry["id"]), body=entry.get("body") or "",
        is_html=(entry.get("format") or "html") == "html", is_public=kind in ("M", "R"),
        created_at=when(entry["created"]),
        author=staff_person(staff) or (SourcePerson("", "", entry.get("poster") or "")
                                       if kind != "M" else None),
        by_requester=kind == "M", files=tuple(files),
    )  # fmt: skip


def ticket_record(
    ticket: Row,
    *,
    subject: str,
    urgency: Any,
    status: Row | None,
    department: str,
    requester: SourcePerson | None,
    entries: Sequence[Row],
    files_by_entry: Mapping[int, Sequence[SourceFile]],
    staff: Mapping[int, Row],
) -> SourceTicket:
    """One ost_ticket row with its thread entries (date order) and their files, as a record."""
    entries = [e for e in entries if e.get("type") in ("M", "R", "N")]
    first = next((e for e in entries if e.get("type") == "M"), None)
    comments = [
        entry_comment(e, files_by_entry.get(int(e["id"]), ()), staff.get(int(e["staff_id"] or 0)))
        for e in entries if e is not first
    ]  # fmt: skip
    name, state = (status or {}).get("name") or "", (status or {}).get("state") or "open"
    answered = bool(ticket.get("isanswered")) or any(e.get("type") == "R" for e in entries)
    phase = phase_for(state, name, answered=answered)
    updated = when(ticket.get("lastupdate") or ticket.get("updated") or ticket["created"])
    closed = when(ticket["closed"]) if ticket.get("closed") else None
    resolved_at, closed_at = closing_dates(phase, updated_at=updated, resolved_at=closed,
                                           closed_at=closed)  # fmt: skip
    number, original = number_of(ticket.get("number"))
    warnings = [f"status {name!r} is {state}: imported as closed"] if state == "deleted" else []
    return SourceTicket(
        external_id=str(ticket["ticket_id"]), number=number, original_number=original,
        title=subject, description=(first or {}).get("body") or "",
        description_is_html=((first or {}).get("format") or "html") == "html", phase=phase,
        status_name=name or state, priority=priority_for(urgency),
        created_at=when(ticket["created"]), updated_at=updated, resolved_at=resolved_at,
        closed_at=closed_at, group=department, requester=requester,
        assignee=staff_person(staff.get(int(ticket.get("staff_id") or 0))),
        comments=tuple(comments),
        files=tuple(files_by_entry.get(int(first["id"]), ())) if first else (),
        warnings=tuple(warnings),
    )  # fmt: skip
