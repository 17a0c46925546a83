"""REST endpoints of the sla app: calendars, policies, rules, preview, ticket SLA, lists."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router
from ninja import Status as Created
from pydantic import Field

from deskline.accounts.api_auth import request_user
from deskline.core.permissions import require_staff
from deskline.core.schema import InSchema
from deskline.sla import selectors, services
from deskline.sla.models import Calendar, SlaPolicy, SlaRule
from deskline.sla.schemas import (
    CalendarIn,
    CalendarOut,
    ExceptionIn,
    OverrideIn,
    PolicyIn,
    PolicyOut,
    SlaPreviewIn,
    SlaPreviewOut,
    SlaRuleIn,
    SlaRuleOut,
    TicketSlaOut,
    calendar_out,
    named,
    policy_out,
    rule_out,
)
from deskline.tickets.schemas import TicketPage, client_field_codes, ticket_out

router = Router(tags=["sla"])


def _staff(request: HttpRequest) -> Any:
    user = request_user(request)
    require_staff(user)
    return user


def _calendar(calendar_id: int) -> dict[str, Any]:
    return calendar_out(Calendar.objects.prefetch_related("exceptions").get(pk=calendar_id))


@router.get("/calendars", response=list[CalendarOut], summary="Work calendars")
def list_calendars(request: HttpRequest) -> list[dict[str, Any]]:
    _staff(request)
    return [calendar_out(c) for c in Calendar.objects.prefetch_related("exceptions")]


@router.post("/calendars", response={201: CalendarOut}, summary="Create a calendar (admins)")
def create_calendar(request: HttpRequest, payload: CalendarIn) -> Created[dict[str, Any]]:
    calendar = services.calendar_save(
        actor=request_user(request), calendar_id=None, data=payload.dict()
    )
    return Created(201, _calendar(calendar.pk))


@router.get("/calendars/{int:calendar_id}", response=CalendarOut, summary="A calendar")
def get_calendar(request: HttpRequest, calendar_id: int) -> dict[str, Any]:
    _staff(request)
    services._get(Calendar, calendar_id)
    return _calendar(calendar_id)


@router.put(
    "/calendars/{int:calendar_id}",
    response=CalendarOut,
    summary="Change a calendar; open tickets on it are recomputed",
)
def update_calendar(request: HttpRequest, calendar_id: int, payload: CalendarIn) -> dict[str, Any]:
    services.calendar_save(
        actor=request_user(request), calendar_id=calendar_id, data=payload.dict()
    )
    return _calendar(calendar_id)


@router.delete("/calendars/{int:calendar_id}", response={204: None}, summary="Delete a calendar")
def delete_calendar(request: HttpRequest, calendar_id: int) -> Created[None]:
    services.calendar_delete(actor=request_user(request), calendar_id=calendar_id)
    return Created(204, None)


@router.post(
    "/calendars/{int:calendar_id}/exceptions",
    response={201: CalendarOut},
    summary="Add or replace a date's exception (day off, working or shortened day)",
)
def set_exception(
    request: HttpRequest, calendar_id: int, payload: ExceptionIn
) -> Created[dict[str, Any]]:
    services.calendar_exception_set(
        actor=request_user(request), calendar_id=calendar_id, **payload.dict()
    )
    return Created(201, _calendar(calendar_id))


@router.delete(
    "/calendars/{int:calendar_id}/exceptions/{int:exception_id}",
    response=CalendarOut,
    summary="Remove an exception",
)
def delete_exception(request: HttpRequest, calendar_id: int, exception_id: int) -> dict[str, Any]:
    services.calendar_exception_delete(
        actor=request_user(request), calendar_id=calendar_id, exception_id=exception_id
    )
    return _calendar(calendar_id)


def _policy(policy_id: int) -> dict[str, Any]:
    policy = SlaPolicy.objects.prefetch_related("targets", "steps", "pause_statuses").get(
        pk=policy_id
    )
    return policy_out(policy)


def _save_policy(request: HttpRequest, policy_id: int | None, payload: PolicyIn) -> SlaPolicy:
    data = payload.dict()
    return services.policy_save(
        actor=request_user(request),
        policy_id=policy_id,
        data=data,
        targets=data["targets"],
        steps=data["steps"],
        pause_status_ids=data["pause_status_ids"],
    )


@router.get("/policies", response=list[PolicyOut], summary="SLA policies")
def list_policies(request: HttpRequest) -> list[dict[str, Any]]:
    _staff(request)
    return [
        policy_out(p)
        for p in SlaPolicy.objects.prefetch_related("targets", "steps", "pause_statuses")
    ]


@router.post("/policies", response={201: PolicyOut}, summary="Create a policy (admins)")
def create_policy(request: HttpRequest, payload: PolicyIn) -> Created[dict[str, Any]]:
    return Created(201, _policy(_save_policy(request, None, payload).pk))


@router.get("/policies/{int:policy_id}", response=PolicyOut, summary="A policy")
def get_policy(request: HttpRequest, policy_id: int) -> dict[str, Any]:
    _staff(request)
    services._get(SlaPolicy, policy_id)
    return _policy(policy_id)


@router.put(
    "/policies/{int:policy_id}",
    response=PolicyOut,
    summary="Replace a policy (targets and steps too); open tickets are recomputed",
)
def update_policy(request: HttpRequest, policy_id: int, payload: PolicyIn) -> dict[str, Any]:
    return _policy(_save_policy(request, policy_id, payload).pk)


@router.delete("/policies/{int:policy_id}", response={204: None}, summary="Delete a policy")
def delete_policy(request: HttpRequest, policy_id: int) -> Created[None]:
    services.policy_delete(actor=request_user(request), policy_id=policy_id)
    return Created(204, None)


@router.get("/rules", response=list[SlaRuleOut], summary="Policy matching rules, in order")
def list_rules(request: HttpRequest) -> list[dict[str, Any]]:
    _staff(request)
    return [rule_out(r) for r in SlaRule.objects.all()]


@router.post("/rules", response={201: SlaRuleOut}, summary="Add a matching rule (admins)")
def create_rule(request: HttpRequest, payload: SlaRuleIn) -> Created[dict[str, Any]]:
    rule = services.rule_save(actor=request_user(request), rule_id=None, data=payload.dict())
    return Created(201, rule_out(rule))


@router.put("/rules/{int:rule_id}", response=SlaRuleOut, summary="Change a matching rule")
def update_rule(request: HttpRequest, rule_id: int, payload: SlaRuleIn) -> dict[str, Any]:
    return rule_out(
        services.rule_save(actor=request_user(request), rule_id=rule_id, data=payload.dict())
    )


@router.delete("/rules/{int:rule_id}", response={204: None}, summary="Delete a matching rule")
def delete_rule(request: HttpRequest, rule_id: int) -> Created[None]:
    services.rule_delete(actor=request_user(request), rule_id=rule_id)
    return Created(204, None)


@router.post(
    "/preview",
    response=SlaPreviewOut,
    summary="The deadlines a ticket with these fields created at a moment would get, and why",
)
def preview(request: HttpRequest, payload: SlaPreviewIn) -> dict[str, Any]:
    data = payload.dict()
    created_at = data.pop("created_at")
    result = selectors.sla_preview(user=request_user(request), facts=data, created_at=created_at)
    choice = result.choice
    return {
        "policy": named(choice.policy), "rule_id": choice.rule_id,
        "policy_reason": choice.policy_reason, "calendar": named(choice.calendar),
        "calendar_source": choice.calendar_source,
        "reaction_minutes": result.reaction_minutes,
        "resolution_minutes": result.resolution_minutes,
        "reaction_due": result.reaction_due, "resolution_due": result.resolution_due,
    }  # fmt: skip


class SlaListQuery(InSchema):
    state: Literal["overdue", "at_risk"]
    cursor: str = ""
    limit: int = Field(50, ge=1, le=200)


@router.get(
    "/tickets",
    response=TicketPage,
    summary="Overdue or at-risk tickets, the nearest resolution deadline first",
)
def list_sla_tickets(request: HttpRequest, query: Query[SlaListQuery]) -> dict[str, Any]:
    user = request_user(request)
    page = selectors.sla_ticket_list(
        user=user, state=query.state, cursor=query.cursor, limit=query.limit
    )
    codes = client_field_codes() if user.is_client else None
    return {
        "items": [ticket_out(t, client_fields=codes) for t in page.items],
        "next_cursor": page.next_cursor,
    }


def _detail(request: HttpRequest, number: int) -> dict[str, Any]:
    detail = selectors.ticket_sla_detail(user=request_user(request), number=number)
    ticket, state = detail.ticket, detail.state
    return {
        "number": ticket.number, "policy": named(state.policy), "rule_id": state.rule_id,
        "policy_reason": state.policy_reason, "calendar": named(state.calendar),
        "calendar_source": state.calendar_source,
        **{f: getattr(ticket, f) for f in (
            "reaction_due", "resolution_due", "reacted_at", "resolved_at", "paused_minutes",
            "reaction_breached", "resolution_breached",
        )},
        **{f: getattr(state, f) for f in (
            "paused_since", "reaction_override", "resolution_override", "breach_risk",
            "risk_computed_at",
        )},
        "time_per_status": detail.per_status, "periods": detail.periods,
    }  # fmt: skip


@router.get(
    "/tickets/{int:number}",
    response=TicketSlaOut,
    summary="A ticket's SLA: policy, calendar, deadlines, pauses and time per status",
)
def ticket_sla(request: HttpRequest, number: int) -> dict[str, Any]:
    return _detail(request, number)


@router.post(
    "/tickets/{int:number}/override",
    response=TicketSlaOut,
    summary="Override a deadline with a reason (recorded in the ticket's history)",
)
def override(request: HttpRequest, number: int, payload: OverrideIn) -> dict[str, Any]:
    services.deadline_override(actor=request_user(request), number=number, **payload.dict())
    return _detail(request, number)
