"""django-helpdesk rows to migration records: statuses, priorities, follow-ups (pure).

django-helpdesk (helpdesk/models.py) numbers a ticket by its id, keeps five statuses (1 Open,
2 Reopened, 3 Resolved, 4 Closed, 5 Duplicate; `on_hold` beside them), priorities 1 Critical to
5 Very low, and stores every comment and status change as a FollowUp whose `new_status` says
what the status became. It keeps no resolved or closed date: those come from the last follow-up
that moved the ticket there. Opening a ticket writes a "Ticket Opened" follow-up repeating the
description; its files belong to the ticket itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from deskline.operations.migration.records import (
    SourceComment,
    SourceFile,
    SourcePerson,
    SourceTicket,
    closing_dates,
)

OPEN, REOPENED, RESOLVED, CLOSED, DUPLICATE = 1, 2, 3, 4, 5
STATUS_NAMES = {OPEN: "Open", REOPENED: "Reopened", RESOLVED: "Resolved", CLOSED: "Closed",
                DUPLICATE: "Duplicate"}  # fmt: skip
PRIORITIES = {1: "critical", 2: "high", 3: "normal", 4: "low", 5: "low"}
Row = Mapping[str, Any]


def phase_for(status: int, *, on_hold: bool, worked_on: bool) -> str:
    """The Deskline phase of a django-helpdesk status.

    Open is "new" until an agent took it or answered, then "open"; on hold is "waiting" (its
    SLA clock paused, as helpdesk stops escalating it); Duplicate is closed."""
    if status in (RESOLVED,):
        return "resolved"
    if status in (CLOSED, DUPLICATE):
        return "closed"
    if on_hold:
        return "waiting"
    if status == OPEN and not worked_on:
        return "new"
    return "open"


def priority_for(value: Any) -> str:
    try:
        return PRIORITIES.get(int(value), "normal")
    except (TypeError, ValueError):
        return "normal"


def when(value: Any) -> datetime:
    """A datetime from the database: SQLite gives text, PostgreSQL an aware datetime; naive
    values are UTC (Django stores UTC with USE_TZ)."""
    if isinstance(value, datetime):
        moment = value
    else:
        moment = datetime.fromisoformat(str(value).strip().replace(" ", "T").replace("Z", "+00:00"))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def person(user: Row | None) -> SourcePerson | None:
    if user is None:
        return None
    name = " ".join(p for p in (user.get("first_name") or "", user.get("last_name") or "") if p)
    return SourcePerson(external_id=str(user["id"]), email=(user.get("email") or "").strip(),
                        name=name or str(user.get("username") or ""))  # fmt: skip


def _is_opening(followup: Row, description: str, index: int) -> bool:
    """The "Ticket Opened" follow-up: first, repeating the description, changing no status."""
    text = (followup.get("comment") or "").strip()
    return index == 0 and text == description.strip() and followup.get("new_status") is None


def _last_date(followups: Sequence[Row], statuses: tuple[int, ...]) -> datetime | None:
    dates = [when(f["date"]) for f in followups if f.get("new_status") in statuses]
    return max(dates) if dates else None


def comment_body(followup: Row) -> str:
    """The comment's text; a bare status change keeps its title ("Resolved") as the note."""
    text = (followup.get("comment") or "").strip()
    if text:
        return text
    title = (followup.get("title") or "").strip()
    status = STATUS_NAMES.get(followup.get("new_status") or 0)
    return title or (f"Status: {status}" if status else "")


def ticket_record(
    ticket: Row,
    *,
    queue_title: str,
    followups: Sequence[Row],
    files_by_followup: Mapping[int, Sequence[SourceFile]],
    users: Mapping[int, Row],
) -> SourceTicket:
    """One helpdesk_ticket row with its follow-ups (date order) and their files, as a record."""
    description = ticket.get("description") or ""
    comments: list[SourceComment] = []
    ticket_files: list[SourceFile] = []
    staff_worked = ticket.get("assigned_to_id") is not None
    for index, followup in enumerate(followups):
        files = tuple(files_by_followup.get(int(followup["id"]), ()))
        if _is_opening(followup, description, index):
            ticket_files.extend(files)
            continue
        body = comment_body(followup)
        if not body and not files:
            continue
        author = users.get(followup["user_id"]) if followup.get("user_id") is not None else None
        staff_worked = staff_worked or author is not None
        comments.append(SourceComment(
            external_id=str(followup["id"]), body=body or "(files)", is_html=False,
            is_public=bool(followup.get("public")), created_at=when(followup["date"]),
            author=person(author), by_requester=author is None and bool(followup.get("public")),
            message_id=followup.get("message_id") or "", files=files,
        ))  # fmt: skip
    resolution = (ticket.get("resolution") or "").strip()
    status = int(ticket.get("status") or OPEN)
    phase = phase_for(status, on_hold=bool(ticket.get("on_hold")), worked_on=staff_worked)
    updated = when(ticket.get("modified") or ticket["created"])
    resolved_at, closed_at = closing_dates(
        phase, updated_at=updated, resolved_at=_last_date(followups, (RESOLVED,)),
        closed_at=_last_date(followups, (CLOSED, DUPLICATE)),
    )  # fmt: skip
    if resolution and all(c.body.strip() != resolution for c in comments):
        comments.append(SourceComment(
            external_id=f"resolution-{ticket['id']}", body=resolution, is_html=False,
            is_public=True, created_at=resolved_at or updated,
        ))  # fmt: skip
    email = (ticket.get("submitter_email") or "").strip()
    warnings = []
    if status not in STATUS_NAMES:
        warnings.append(f"unknown status {status}: imported as {phase}")
    return SourceTicket(
        external_id=str(ticket["id"]), number=int(ticket["id"]), title=ticket.get("title") or "",
        description=description, description_is_html=False, phase=phase,
        status_name=STATUS_NAMES.get(status, str(status)) + (" (on hold)" if ticket.get("on_hold") else ""),
        priority=priority_for(ticket.get("priority")), created_at=when(ticket["created"]),
        updated_at=updated, resolved_at=resolved_at, closed_at=closed_at, group=queue_title,
        requester=SourcePerson(external_id=email.lower(), email=email, name="") if email else None,
        assignee=person(users.get(ticket.get("assigned_to_id") or 0)),
        comments=tuple(comments), files=tuple(ticket_files), warnings=tuple(warnings),
    )  # fmt: skip
