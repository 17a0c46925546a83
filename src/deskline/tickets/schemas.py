"""API shapes for tickets: request bodies, responses, and the ticket-to-dict adapter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from pydantic import Field

from deskline.accounts.models import Team
from deskline.core import refcache
from deskline.core.schema import InSchema, OutSchema
from deskline.tickets import config_cache
from deskline.tickets.models import (
    Attachment,
    Category,
    Comment,
    Priority,
    Status,
    Ticket,
    TicketEvent,
    TicketType,
)


class Ref(OutSchema):
    id: int
    name: str


class StatusRef(OutSchema):
    id: int
    code: str
    name: str
    phase: str
    color: str


class PriorityRef(OutSchema):
    id: int
    code: str
    name: str
    weight: int


class TicketOut(OutSchema):
    number: int
    title: str
    description: str = Field(description="Sanitised HTML")
    status: StatusRef
    priority: PriorityRef
    type: Ref
    category: Ref | None
    channel: str
    company: Ref | None
    contact: Ref | None
    site_id: int | None
    equipment_id: int | None
    contract_id: int | None
    not_covered: bool
    team: Ref | None
    assignee: Ref | None
    parent_number: int | None
    merged_into_number: int | None
    custom_fields: dict[str, Any]
    reaction_due: dt.datetime | None
    resolution_due: dt.datetime | None
    reacted_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    paused_minutes: int
    reaction_breached: bool
    resolution_breached: bool
    breach_risk: float | None = Field(
        None, description="Estimated probability (0-1) of missing the resolution deadline"
    )
    rating: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class TicketDetailOut(TicketOut):
    observer_ids: list[int]


class TicketPage(OutSchema):
    items: list[TicketOut]
    next_cursor: str | None


def _ref(row: Any) -> dict[str, Any] | None:
    return None if row is None else {"id": row.pk, "name": str(row)}


def _status(status: Status) -> dict[str, Any]:
    return {"id": status.pk, "code": status.code, "name": status.name, "phase": status.phase, "color": status.color}  # fmt: skip


def _priority(priority: Priority) -> dict[str, Any]:
    return {"id": priority.pk, "code": priority.code, "name": priority.name, "weight": priority.weight}  # fmt: skip


def _breach_risk(ticket: Ticket) -> float | None:
    try:
        state = ticket.sla  # TicketSla, owned by the SLA app
    except ObjectDoesNotExist:
        return None
    return None if state is None else state.breach_risk


def ticket_out(
    ticket: Ticket,
    *,
    client_fields: frozenset[str] | None = None,
    detail: bool = False,
    observer_ids: list[int] | None = None,
) -> dict[str, Any]:
    """The ticket as the API shows it, keys in `TicketOut`'s order (see `rendered_as_declared`).

    `client_fields` is given for a client viewer: the codes of the custom fields clients may see;
    agent-only fields are blanked.
    """
    status, priority = ticket.status, ticket.priority
    data: dict[str, Any] = {
        "number": ticket.number,
        "title": ticket.title,
        "description": ticket.description,
        "status": _status(status),
        "priority": _priority(priority),
        "type": _ref(ticket.type),
        "category": _ref(ticket.category),
        "channel": ticket.channel,
        "company": _ref(ticket.company),
        "contact": _ref(ticket.contact),
        "site_id": ticket.site_id,
        "equipment_id": ticket.equipment_id,
        "contract_id": ticket.contract_id,
        "not_covered": ticket.not_covered,
        "team": _ref(ticket.team),
        "assignee": _ref(ticket.assignee),
        "parent_number": ticket.parent.number if ticket.parent_id and ticket.parent else None,
        "merged_into_number": ticket.merged_into.number if ticket.merged_into_id and ticket.merged_into else None,
        "custom_fields": ticket.custom_fields,
        **{f: getattr(ticket, f) for f in (
            "reaction_due", "resolution_due", "reacted_at", "resolved_at", "closed_at",
            "paused_minutes", "reaction_breached", "resolution_breached",
        )},
        "breach_risk": _breach_risk(ticket),
        **{f: getattr(ticket, f) for f in ("rating", "created_at", "updated_at", "version")},
    }  # fmt: skip
    for_client = client_fields is not None
    if client_fields is not None:
        data["custom_fields"] = {
            k: v for k, v in ticket.custom_fields.items() if k in client_fields
        }
        data["team"] = None
        data["breach_risk"] = None
        data["contract_id"] = None
        data["not_covered"] = False
    if detail:
        if for_client:
            data["observer_ids"] = []
        elif observer_ids is not None:  # known to the caller (a ticket it just created)
            data["observer_ids"] = observer_ids
        else:
            data["observer_ids"] = sorted(u.pk for u in ticket.observers.all())
    return data


def json_datetime(value: dt.datetime | None) -> str | None:
    """`value` as the API's JSON encoder (Django's) writes it: milliseconds, "Z" for UTC.
    Formatted here, a page's 350 datetimes cost no call back from the C encoder."""
    if value is None:
        return None
    if value.tzinfo is dt.UTC:  # as the database gives them: "+00:00" becomes "Z"
        if value.microsecond:
            return value.isoformat(timespec="milliseconds")[:-6] + "Z"
        return value.isoformat()[:-6] + "Z"
    text = value.isoformat(timespec="milliseconds") if value.microsecond else value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


Shapes = dict[str, dict[int, Any]]


def _reference_shapes() -> Shapes:
    """The status, priority, type, category and team of a row as the API shows them, by id,
    built once per change of the configuration (shared between requests: read-only)."""

    def load() -> Shapes:
        rows = config_cache.rows_by_id
        return {
            "status": {pk: _status(s) for pk, s in rows(Status).items()},
            "priority": {pk: _priority(p) for pk, p in rows(Priority).items()},
            "type": {pk: _ref(t) for pk, t in rows(TicketType).items()},
            "category": {pk: _ref(c) for pk, c in rows(Category).items()},
            "team": {pk: _ref(t) for pk, t in rows(Team).items()},
        }

    return refcache.cached("api_reference_shapes", load)


_MODELS: dict[str, type[Status | Priority | TicketType | Category | Team]] = {
    "status": Status, "priority": Priority, "type": TicketType, "category": Category, "team": Team
}  # fmt: skip
_SHAPERS: dict[str, Callable[[Any], dict[str, Any] | None]] = {
    "status": _status, "priority": _priority
}  # fmt: skip


def _shape(shapes: Shapes, name: str, pk: int | None) -> Any:
    if pk is None:
        return None
    found = shapes[name].get(pk)
    if found is None:  # a row created after the cache was loaded
        found = _SHAPERS.get(name, _ref)(_MODELS[name]._default_manager.get(pk=pk))
    return found


def _user_name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username  # `User.__str__`


def ticket_rows_out(
    rows: list[dict[str, Any]], *, client_fields: frozenset[str] | None = None
) -> list[dict[str, Any]]:
    """`ticket_out` of each plain row of `selectors.ticket_rows_for`: the same dicts, key for
    key (a test compares them)."""
    shapes = _reference_shapes()  # once a page: in a transaction that changed them, a query
    return [_row_out(row, shapes, client_fields) for row in rows]


def _shape_of(shapes: dict[int, Any], name: str, pk: int | None, all_shapes: Shapes) -> Any:
    """`_shape`, with the common case (a cached row, or none) first."""
    found = shapes.get(pk) if pk is not None else None
    return found if found is not None or pk is None else _shape(all_shapes, name, pk)


def _row_out(
    row: dict[str, Any],
    shapes: Shapes,
    client_fields: frozenset[str] | None,
) -> dict[str, Any]:
    assignee_id, company_id, contact_id = row["assignee_id"], row["company_id"], row["contact_id"]
    data: dict[str, Any] = {
        "number": row["number"],
        "title": row["title"],
        "description": row["description"],
        "status": _shape_of(shapes["status"], "status", row["status_id"], shapes),
        "priority": _shape_of(shapes["priority"], "priority", row["priority_id"], shapes),
        "type": _shape_of(shapes["type"], "type", row["type_id"], shapes),
        "category": _shape_of(shapes["category"], "category", row["category_id"], shapes),
        "channel": row["channel"],
        "company": None if company_id is None else {"id": company_id, "name": row["company__name"]},
        "contact": None if contact_id is None else {"id": contact_id, "name": row["contact__name"]},
        "site_id": row["site_id"],
        "equipment_id": row["equipment_id"],
        "contract_id": row["contract_id"],
        "not_covered": row["not_covered"],
        "team": _shape_of(shapes["team"], "team", row["team_id"], shapes),
        "assignee": None if assignee_id is None else {"id": assignee_id, "name": _user_name(
            row["assignee__first_name"], row["assignee__last_name"], row["assignee__username"]
        )},
        "parent_number": row["parent_number"],
        "merged_into_number": row["merged_into_number"],
        "custom_fields": row["custom_fields"],
        "reaction_due": json_datetime(row["reaction_due"]),
        "resolution_due": json_datetime(row["resolution_due"]),
        "reacted_at": json_datetime(row["reacted_at"]),
        "resolved_at": json_datetime(row["resolved_at"]),
        "closed_at": json_datetime(row["closed_at"]),
        "paused_minutes": row["paused_minutes"],
        "reaction_breached": row["reaction_breached"],
        "resolution_breached": row["resolution_breached"],
        "breach_risk": row["sla__breach_risk"],
        "rating": row["rating"],
        "created_at": json_datetime(row["created_at"]),
        "updated_at": json_datetime(row["updated_at"]),
        "version": row["version"],
    }  # fmt: skip
    if client_fields is not None:
        data["custom_fields"] = {
            k: v for k, v in row["custom_fields"].items() if k in client_fields
        }
        data["team"] = None
        data["breach_risk"] = None
        data["contract_id"] = None
        data["not_covered"] = False
    return data


class TicketCreateIn(InSchema):
    title: str = Field(max_length=300)
    description: str = ""
    description_is_html: bool = False
    type_id: int | None = None
    category_id: int | None = None
    priority_id: int | None = None
    company_id: int | None = None
    contact_id: int | None = None
    site_id: int | None = None
    equipment_id: int | None = None
    contract_id: int | None = None
    team_id: int | None = None
    assignee_id: int | None = None
    parent_number: int | None = None
    observer_ids: list[int] = Field(default_factory=list)
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    on_behalf_of_contact: bool = Field(
        False, description="Staff record the contact's own request (a call): the history names them"
    )


class TicketUpdateIn(InSchema):
    version: int | None = Field(None, description="The version you read; a stale one gives 409")
    title: str | None = None
    description: str | None = Field(None, description="HTML; it is sanitised")
    type_id: int | None = None
    category_id: int | None = None
    priority_id: int | None = None
    company_id: int | None = None
    contact_id: int | None = None
    site_id: int | None = None
    equipment_id: int | None = None
    contract_id: int | None = None
    parent_number: int | None = None
    observer_ids: list[int] | None = None
    custom_fields: dict[str, Any] | None = None


class StatusChangeIn(InSchema):
    status_id: int | None = None
    status: str | None = Field(None, description="A status code, instead of status_id")
    comment: str = ""
    comment_is_public: bool = True
    version: int | None = None


class AssignIn(InSchema):
    team_id: int | None = None
    assignee_id: int | None = None
    reason: str = ""
    version: int | None = None


class CommentIn(InSchema):
    body: str
    is_html: bool = False
    is_public: bool = True


class AttachmentOut(OutSchema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    is_public: bool
    comment_id: int | None
    created_at: dt.datetime
    url: str


def attachment_out(attachment: Attachment, number: int) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "is_public": attachment.is_public,
        "comment_id": attachment.comment_id,
        "created_at": attachment.created_at,
        "url": f"/api/v1/tickets/{number}/attachments/{attachment.pk}/download",
    }


class CommentOut(OutSchema):
    id: int
    body: str
    is_public: bool
    channel: str
    author: Ref | None
    author_contact: Ref | None
    moved_from_number: int | None
    created_at: dt.datetime
    attachments: list[AttachmentOut]


def comment_out(comment: Comment, number: int) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "body": comment.body,
        "is_public": comment.is_public,
        "channel": comment.channel,
        "author": _ref(comment.author),
        "author_contact": _ref(comment.author_contact),
        "moved_from_number": comment.moved_from.number if comment.moved_from else None,
        "created_at": comment.created_at,
        "attachments": [attachment_out(a, number) for a in comment.attachments.all()],
    }


class LinkIn(InSchema):
    other_number: int
    kind: str = Field("related", description="related, parent (other becomes the parent) or child")


class TicketBrief(OutSchema):
    number: int
    title: str
    status: str


class LinksOut(OutSchema):
    parent: TicketBrief | None
    children: list[TicketBrief]
    related: list[TicketBrief]


def client_field_codes() -> frozenset[str]:
    return config_cache.client_field_codes()


def brief(ticket: Ticket) -> dict[str, Any]:
    return {"number": ticket.number, "title": ticket.title, "status": ticket.status.code}


class MergeIn(InSchema):
    into_number: int


class EventOut(OutSchema):
    id: int
    kind: str
    actor: Ref | None
    channel: str
    changes: dict[str, Any]
    data: dict[str, Any]
    created_at: dt.datetime


def event_out(event: TicketEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "kind": event.kind,
        "actor": _ref(event.actor),
        "channel": event.channel,
        "changes": event.changes,
        "data": event.data,
        "created_at": event.created_at,
    }
