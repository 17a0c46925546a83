"""REST endpoints of acts: listing, drafting, issuing, signing, cancelling and the PDF."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from pydantic import Field

from deskline.accounts.api_auth import request_user
from deskline.billing import act_services
from deskline.billing.access import act_get_visible
from deskline.billing.documents import act_document
from deskline.billing.pdf import act_pdf
from deskline.billing.schemas import ActOut, act_out
from deskline.billing.selectors import act_list_for
from deskline.core.schema import InSchema

router = Router(tags=["billing"])


class ActQuery(InSchema):
    status: str = ""
    company_id: int | None = None
    ticket_number: int | None = None
    limit: int = Field(100, ge=1, le=500)


class ActFromTicketIn(InSchema):
    ticket_number: int
    currency: str | None = Field(None, min_length=3, max_length=3)


class ActsForMonthIn(InSchema):
    company_id: int
    year: int = Field(ge=2000, le=2100)
    month: int = Field(ge=1, le=12)


@router.get("", response=list[ActOut], summary="Acts the caller may see, newest first")
def list_acts(request: HttpRequest, query: Query[ActQuery]) -> list[dict[str, Any]]:
    acts = act_list_for(request_user(request), **query.dict())
    return [act_out(a) for a in acts]


@router.post("", response={201: ActOut}, summary="Draft an act of a ticket's unbilled charges")
def create_act(request: HttpRequest, payload: ActFromTicketIn) -> Status[dict[str, Any]]:
    act = act_services.act_create_for_ticket(actor=request_user(request), **payload.dict())
    return Status(201, act_out(act))


@router.post("/monthly", response={201: list[ActOut]},
             summary="Draft a company's acts for a month (one per currency)")  # fmt: skip
def create_monthly_acts(request: HttpRequest, payload: ActsForMonthIn) -> Status[Any]:
    acts = act_services.act_create_for_month(actor=request_user(request), **payload.dict())
    return Status(201, [act_out(a) for a in acts])


@router.get("/{act_id}", response=ActOut, summary="One act")
def get_act(request: HttpRequest, act_id: int) -> dict[str, Any]:
    return act_out(act_get_visible(request_user(request), act_id))


@router.get("/{act_id}/pdf", summary="The act as a PDF", response={200: None})
def act_pdf_download(request: HttpRequest, act_id: int) -> HttpResponse:
    act = act_get_visible(request_user(request), act_id)
    response = HttpResponse(act_pdf(act_document(act)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="act-{act.display_number}.pdf"'
    return response


@router.post("/{act_id}/issue", response=ActOut, summary="Issue: number it and freeze it")
def issue_act(request: HttpRequest, act_id: int) -> dict[str, Any]:
    return act_out(act_services.act_issue(actor=request_user(request), act_id=act_id))


@router.post("/{act_id}/sign", response=ActOut, summary="Mark an issued act signed")
def sign_act(request: HttpRequest, act_id: int) -> dict[str, Any]:
    return act_out(act_services.act_sign(actor=request_user(request), act_id=act_id))


@router.post("/{act_id}/cancel", response={200: ActOut, 204: None},
             summary="Cancel (an issued act keeps its number; a draft is discarded)")  # fmt: skip
def cancel_act(request: HttpRequest, act_id: int) -> Any:
    act = act_services.act_cancel(actor=request_user(request), act_id=act_id)
    return Status(204, None) if act is None else act_out(act)
