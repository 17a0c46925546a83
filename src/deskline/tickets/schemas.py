"""API shapes for tickets: request bodies, responses, and the ticket-to-dict adapter."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from pydantic import Field

from deskline.core.schema import InSchema, OutSchema
from deskline.tickets import config_cache
from deskline.tickets.models import Attachment, Comment, Ticket, TicketEvent


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
        "status": {"id": status.pk, "code": status.code, "name": status.name, "phase": status.phase, "color": status.color},
        "priority": {"id": priority.pk, "code": priority.code, "name": priority.name, "weight": priority.weight},
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
