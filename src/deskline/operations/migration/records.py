"""The plain records every migration reader produces and the loader consumes (no ORM, no I/O).

A reader maps the old system's rows to these; the mapping rules live in each system's pure
`*_map.py` module, tested fast. Ids are the old system's, as text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SourcePerson:
    """A requester (becomes a contact) or an agent (matched to a Deskline user by e-mail)."""

    external_id: str
    email: str
    name: str
    company: str = ""
    phone: str = ""


@dataclass(frozen=True)
class SourceFile:
    """An attachment; `read` returns its bytes (or raises OSError when the file is missing)."""

    external_id: str
    filename: str
    read: Callable[[], bytes]
    size: int | None = None


@dataclass(frozen=True)
class SourceComment:
    external_id: str
    body: str
    is_html: bool
    is_public: bool
    created_at: datetime
    #: The agent who wrote it (None: the requester, or nobody the old system knew).
    author: SourcePerson | None = None
    #: True when the requester (not an agent) wrote it.
    by_requester: bool = False
    message_id: str = ""
    files: tuple[SourceFile, ...] = ()


@dataclass(frozen=True)
class SourceTicket:
    external_id: str
    number: int | None
    title: str
    description: str
    description_is_html: bool
    #: Deskline phase: new, open, waiting, resolved, closed.
    phase: str
    #: The old system's status name, kept in the history ("Duplicate").
    status_name: str
    #: Deskline priority code (low, normal, high, critical).
    priority: str
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    #: The queue, department or group: a Deskline team or category, by the admin's choice.
    group: str = ""
    requester: SourcePerson | None = None
    assignee: SourcePerson | None = None
    comments: tuple[SourceComment, ...] = ()
    #: Files attached to the ticket itself, not to one comment.
    files: tuple[SourceFile, ...] = ()
    #: The old number as the old system showed it, when it is not a plain number ("ABC-0042").
    original_number: str = ""
    #: Things the reader could not carry over, reported by a dry run.
    warnings: tuple[str, ...] = field(default=())


PHASES = ("new", "open", "waiting", "resolved", "closed")


def closing_dates(
    phase: str, *, updated_at: datetime, resolved_at: datetime | None, closed_at: datetime | None
) -> tuple[datetime | None, datetime | None]:
    """(resolved_at, closed_at) consistent with the phase; the last change stands in for a
    date the old system did not keep."""
    if phase == "resolved":
        return resolved_at or closed_at or updated_at, None
    if phase == "closed":
        closed = closed_at or updated_at
        return resolved_at or closed, closed
    return None, None
