"""Helpers shared by the ticket write functions: locking, writing a change with its derived
columns and its event, body cleaning."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from deskline.accounts.models import User
from deskline.core.errors import Conflict, NotFound
from deskline.core.html import sanitize_html, text_to_html
from deskline.tickets.access import tickets_visible_to
from deskline.tickets.deciders import run_derivers
from deskline.tickets.events import event_record
from deskline.tickets.models import Ticket, TicketEvent
from deskline.tickets.payloads import Payload


def lock_ticket(actor: User | None, number: int, version: int | None) -> Ticket:
    """Lock the ticket row for this transaction; refuse a stale version with the current state.

    `actor` None is the system (mail intake, jobs): it sees every ticket.
    """
    rows = Ticket.objects.all() if actor is None else tickets_visible_to(actor)
    # of=("self",): lock the ticket row only, whatever the visibility filter touches.
    ticket = rows.select_for_update(of=("self",)).filter(number=number).first()
    if ticket is None:
        raise NotFound(f"ticket {number} not found")
    if ticket.merged_into_id is not None:
        # A merged duplicate is history: everything goes on in the ticket it was merged into.
        raise Conflict(f"ticket {number} was merged into another ticket and is read-only",
                       current=ticket)  # fmt: skip
    if version is not None and ticket.version != version:
        raise Conflict(
            f"ticket {number} was changed by someone else (version {ticket.version}, not {version})",
            current=ticket,
        )
    return ticket


def touch(ticket: Ticket, fields: list[str], *, now: datetime | None = None) -> None:
    """Save the given fields with a new updated_at and the next version."""
    ticket.updated_at = now or timezone.now()
    ticket.version += 1
    ticket.save(update_fields=[*fields, "updated_at", "version"])


def write_change(
    ticket: Ticket,
    fields: list[str],
    *,
    actor: User | None,
    payload: Payload,
    channel: str = "",
    at: datetime | None = None,
) -> TicketEvent:
    """The end of every ticket service: the derived columns the change moves (SLA), one UPDATE
    of the changed and derived fields with the next version, and the change's one event."""
    now = at or timezone.now()
    derived = run_derivers(ticket, payload, now)
    for name, value in derived.items():
        setattr(ticket, name, value)
    touch(ticket, [*fields, *derived], now=now)
    return event_record(ticket=ticket, actor=actor, payload=payload, channel=channel, at=now)


def clean_body(text: str, *, is_html: bool) -> str:
    """Sanitised HTML of a description or comment. NUL characters are dropped, as an HTML
    parser drops them; the database could not store them (this guards every channel)."""
    text = text.replace("\x00", "")
    return sanitize_html(text) if is_html else text_to_html(text)


def pk_of(value: Any) -> Any:
    return value.pk if hasattr(value, "pk") else value


def would_cycle(*, child: Ticket, parent: Ticket) -> bool:
    """True if making `parent` the parent of `child` would put `child` among its own ancestors."""
    seen: set[int] = set()
    node: Ticket | None = parent
    while node is not None and node.pk not in seen:
        if node.pk == child.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False
