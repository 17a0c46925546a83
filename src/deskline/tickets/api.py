"""REST endpoints for tickets and their reference data; each adapts one service or selector."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import File, Form, Query, Router
from ninja import Status as Created
from ninja.files import UploadedFile
from pydantic import Field

from deskline.accounts.api_auth import request_user
from deskline.accounts.models import User
from deskline.core.schema import InSchema, rendered_as_declared
from deskline.tickets import selectors, services
from deskline.tickets.models import Channel
from deskline.tickets.schemas import (
    AssignIn,
    AttachmentOut,
    CommentIn,
    CommentOut,
    EventOut,
    LinkIn,
    LinksOut,
    MergeIn,
    StatusChangeIn,
    TicketCreateIn,
    TicketDetailOut,
    TicketPage,
    TicketUpdateIn,
    attachment_out,
    brief,
    client_field_codes,
    comment_out,
    event_out,
    ticket_out,
    ticket_rows_out,
)

router = Router(tags=["tickets"])


def _detail(user: User, number: int) -> dict[str, Any]:
    ticket = selectors.ticket_detail_for(user=user, number=number, registry=False)
    codes = client_field_codes() if user.is_client else None
    return ticket_out(ticket, client_fields=codes, detail=True)


class TicketListQuery(InSchema):
    status: list[int] = Field(default_factory=list, description="Status ids")
    phase: list[str] = Field(default_factory=list)
    priority: list[int] = Field(default_factory=list)
    type: list[int] = Field(default_factory=list)
    category: list[int] = Field(default_factory=list)
    team: list[int] = Field(default_factory=list)
    assignee: list[int] = Field(default_factory=list)
    company: list[int] = Field(default_factory=list)
    contact: list[int] = Field(default_factory=list)
    site: list[int] = Field(default_factory=list)
    equipment: list[int] = Field(default_factory=list)
    contract: list[int] = Field(default_factory=list, description="Contract ids")
    unassigned: bool | None = None
    sla_state: str = Field("", description="overdue or at_risk")
    created_after: dt.datetime | None = None
    created_before: dt.datetime | None = None
    updated_after: dt.datetime | None = None
    updated_before: dt.datetime | None = None
    q: str = Field("", description="Full-text search in title, description and comments")
    sort: str = Field(
        "-updated", description="created, updated, priority or number; - for descending"
    )
    cursor: str = ""
    limit: int = Field(50, ge=1, le=200)


@router.get("", response=TicketPage, summary="List tickets (keyset pagination)")
def list_tickets(request: HttpRequest, query: Query[TicketListQuery]) -> HttpResponse:
    user = request_user(request)
    params = query.dict()
    filters = selectors.TicketFilters(
        **{k: v for k, v in params.items() if k not in ("q", "sort", "cursor", "limit")},
        text=query.q,
    )
    page = selectors.ticket_rows_for(
        user=user, filters=filters, sort=query.sort, cursor=query.cursor, limit=query.limit
    )
    codes = client_field_codes() if user.is_client else None
    items = ticket_rows_out(page.items, client_fields=codes)
    return rendered_as_declared(request, {"items": items, "next_cursor": page.next_cursor})


@router.post("", response={201: TicketDetailOut}, summary="Create a ticket")
def create_ticket(request: HttpRequest, payload: TicketCreateIn) -> Created[dict[str, Any]]:
    user = request_user(request)
    ticket = services.ticket_create(actor=user, channel=Channel.API, **payload.dict())
    # The creator gets what they created, even when routing sent it to a team they can't see.
    codes = client_field_codes() if user.is_client else None
    observers = sorted(set(payload.observer_ids))
    return Created(
        201, ticket_out(ticket, client_fields=codes, detail=True, observer_ids=observers)
    )


@router.get("/{int:number}", response=TicketDetailOut, summary="Get a ticket by its number")
def get_ticket(request: HttpRequest, number: int) -> dict[str, Any]:
    return _detail(request_user(request), number)


@router.patch("/{int:number}", response=TicketDetailOut, summary="Update ticket fields")
def update_ticket(request: HttpRequest, number: int, payload: TicketUpdateIn) -> dict[str, Any]:
    user = request_user(request)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    services.ticket_update(actor=user, number=number, changes=changes, version=version)
    return _detail(user, number)


@router.post("/{int:number}/status", response=TicketDetailOut, summary="Change the status")
def change_status(request: HttpRequest, number: int, payload: StatusChangeIn) -> dict[str, Any]:
    user = request_user(request)
    services.ticket_change_status(
        actor=user,
        number=number,
        status_id=payload.status_id,
        status_code=payload.status or "",
        comment=payload.comment,
        comment_is_public=payload.comment_is_public,
        version=payload.version,
    )
    return _detail(user, number)


@router.post("/{int:number}/assign", response=TicketDetailOut, summary="Assign to a team or agent")
def assign(request: HttpRequest, number: int, payload: AssignIn) -> dict[str, Any]:
    user = request_user(request)
    services.ticket_assign(actor=user, number=number, **payload.dict())
    return _detail(user, number)


@router.get("/{int:number}/comments", response=list[CommentOut], summary="Comments, oldest first")
def list_comments(request: HttpRequest, number: int) -> list[dict[str, Any]]:
    return [
        comment_out(c, number)
        for c in selectors.comments_for(user=request_user(request), number=number)
    ]


@router.post(
    "/{int:number}/comments", response={201: CommentOut}, summary="Add a reply or an internal note"
)
def add_comment(request: HttpRequest, number: int, payload: CommentIn) -> Created[dict[str, Any]]:
    user = request_user(request)
    comment = services.comment_add(actor=user, number=number, channel=Channel.API, **payload.dict())
    return Created(201, comment_out(comment, number))


@router.get("/{int:number}/attachments", response=list[AttachmentOut], summary="Attachments")
def list_attachments(request: HttpRequest, number: int) -> list[dict[str, Any]]:
    rows = selectors.attachments_for(user=request_user(request), number=number)
    return [attachment_out(a, number) for a in rows]


@router.post("/{int:number}/attachments", response={201: AttachmentOut}, summary="Upload a file")
def add_attachment(
    request: HttpRequest,
    number: int,
    file: File[UploadedFile],
    is_public: Form[bool] = True,
    comment_id: Form[int | None] = None,
) -> Created[dict[str, Any]]:
    attachment = services.attachment_add(
        actor=request_user(request),
        number=number,
        filename=file.name or "file",
        content=file,
        size=file.size or 0,
        is_public=is_public,
        comment_id=comment_id,
    )
    return Created(201, attachment_out(attachment, number))


@router.get("/{int:number}/attachments/{int:attachment_id}/download", summary="Download a file")
def download_attachment(request: HttpRequest, number: int, attachment_id: int) -> FileResponse:
    attachment = selectors.attachment_for(
        user=request_user(request), number=number, attachment_id=attachment_id
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@router.get(
    "/{int:number}/links", response=LinksOut, summary="Parent, children and related tickets"
)
def list_links(request: HttpRequest, number: int) -> dict[str, Any]:
    links = selectors.links_for(user=request_user(request), number=number)
    return {
        "parent": brief(links.parent) if links.parent else None,
        "children": [brief(t) for t in links.children],
        "related": [brief(t) for t in links.related],
    }


@router.post("/{int:number}/links", response={201: LinksOut}, summary="Link another ticket")
def add_link(request: HttpRequest, number: int, payload: LinkIn) -> Created[dict[str, Any]]:
    services.ticket_link(
        actor=request_user(request),
        number=number,
        other_number=payload.other_number,
        kind=payload.kind,
    )
    return Created(201, list_links(request, number))


@router.delete("/{int:number}/links/{int:other_number}", response=LinksOut, summary="Remove a link")
def remove_link(request: HttpRequest, number: int, other_number: int) -> dict[str, Any]:
    services.ticket_unlink(actor=request_user(request), number=number, other_number=other_number)
    return list_links(request, number)


@router.post(
    "/{int:number}/merge", response=TicketDetailOut, summary="Merge this ticket into another"
)
def merge(request: HttpRequest, number: int, payload: MergeIn) -> dict[str, Any]:
    user = request_user(request)
    target = services.ticket_merge(actor=user, number=number, into_number=payload.into_number)
    return _detail(user, target.number)


@router.get("/{int:number}/history", response=list[EventOut], summary="The ticket's history")
def history(request: HttpRequest, number: int) -> list[dict[str, Any]]:
    return [event_out(e) for e in selectors.history_for(user=request_user(request), number=number)]
