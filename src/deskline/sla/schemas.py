"""API shapes of the SLA app."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from deskline.core.schema import InSchema
from deskline.sla.models import Calendar, EscalationStep, SlaPolicy, SlaRule


class ExceptionIn(InSchema):
    day: dt.date
    kind: str = Field(description="day_off, working_day or shortened_day")
    hours: str = Field("", description='e.g. "09:00-16:00"; a working day defaults to a normal day')
    note: str = ""


class ExceptionOut(ExceptionIn):
    id: int


class CalendarIn(InSchema):
    name: str
    time_zone: str = "Europe/Moscow"
    always: bool = Field(False, description="24/7: every instant is working time")
    week: list[str] = Field(
        default_factory=lambda: ["09:00-18:00"] * 5 + ["", ""],
        description='Seven days, Monday first: "09:00-13:00, 14:00-18:00"; "" is a day off',
    )
    country: str = Field("", description="ISO country code for public holidays, e.g. RU")
    subdiv: str = ""
    is_default: bool = False


class CalendarOut(CalendarIn):
    id: int
    version: int
    exceptions: list[ExceptionOut]


def calendar_out(calendar: Calendar) -> dict[str, Any]:
    return {
        "id": calendar.pk, "name": calendar.name, "time_zone": calendar.time_zone,
        "always": calendar.always, "week": calendar.week, "country": calendar.country,
        "subdiv": calendar.subdiv, "is_default": calendar.is_default, "version": calendar.version,
        "exceptions": [
            {"id": e.pk, "day": e.day, "kind": e.kind, "hours": e.hours, "note": e.note}
            for e in calendar.exceptions.all()
        ],
    }  # fmt: skip


class TargetIn(InSchema):
    priority_id: int
    reaction_minutes: int | None = Field(None, ge=0, description="Working minutes")
    resolution_minutes: int | None = Field(None, ge=0, description="Working minutes")


class StepIn(InSchema):
    name: str
    deadline: str = Field("resolution", description="reaction or resolution")
    trigger: str = Field(
        description="elapsed (value = %), before (value = working minutes), breach"
    )
    value: int = Field(0, ge=0)
    notify_assignee: bool = False
    notify_team_lead: bool = False
    notify_manager: bool = False
    notify_observers: bool = False
    raise_priority: bool = False
    reassign_team_id: int | None = None
    any_time: bool = Field(False, description="Notify outside the recipient's working hours too")
    is_active: bool = True


class StepOut(StepIn):
    id: int


class PolicyIn(InSchema):
    name: str
    calendar_id: int | None = None
    pause_phases: list[str] = Field(default_factory=lambda: ["waiting"])
    pause_status_ids: list[int] = Field(default_factory=list)
    reaction_mode: str = Field("reply", description="reply, phase or either")
    risk_threshold: float = Field(0.15, ge=0, le=1)
    is_default: bool = False
    targets: list[TargetIn] = Field(default_factory=list)
    steps: list[StepIn] = Field(default_factory=list)


class PolicyOut(PolicyIn):
    id: int
    version: int
    steps: list[StepOut]  # type: ignore[assignment]


def step_out(step: EscalationStep) -> dict[str, Any]:
    fields = StepIn.model_fields
    return {"id": step.pk, **{name: getattr(step, name) for name in fields}}


def policy_out(policy: SlaPolicy) -> dict[str, Any]:
    return {
        "id": policy.pk, "name": policy.name, "calendar_id": policy.calendar_id,
        "pause_phases": policy.pause_phases,
        "pause_status_ids": [s.pk for s in policy.pause_statuses.all()],
        "reaction_mode": policy.reaction_mode, "risk_threshold": policy.risk_threshold,
        "is_default": policy.is_default, "version": policy.version,
        "targets": [
            {"priority_id": t.priority_id, "reaction_minutes": t.reaction_minutes,
             "resolution_minutes": t.resolution_minutes}
            for t in policy.targets.all()
        ],
        "steps": [step_out(s) for s in policy.steps.all()],
    }  # fmt: skip


class SlaRuleIn(InSchema):
    order: int = 0
    policy_id: int
    contract_id: int | None = None
    company_id: int | None = None
    company_category_id: int | None = None
    type_id: int | None = None
    category_id: int | None = None
    priority_id: int | None = None
    site_id: int | None = None
    tone: Literal["", "negative", "neutral", "positive", "angry", "urgent"] = Field(
        "",
        description="The client's latest message: its tone (negative, neutral, positive) or a "
        'raised signal (angry, urgent); "" matches any ticket',
    )
    is_active: bool = True


class SlaRuleOut(SlaRuleIn):
    id: int


def rule_out(rule: SlaRule) -> dict[str, Any]:
    return {"id": rule.pk, **{name: getattr(rule, name) for name in SlaRuleIn.model_fields}}


class SlaPreviewIn(InSchema):
    created_at: dt.datetime
    type_id: int | None = None
    category_id: int | None = None
    priority_id: int | None = None
    company_id: int | None = None
    site_id: int | None = None
    contract_id: int | None = None


class NamedRef(Schema):
    id: int
    name: str


class SlaPreviewOut(Schema):
    policy: NamedRef | None
    rule_id: int | None
    policy_reason: str
    calendar: NamedRef | None
    calendar_source: str = Field(description="site, contract, policy or default")
    reaction_minutes: int | None
    resolution_minutes: int | None
    reaction_due: dt.datetime | None
    resolution_due: dt.datetime | None


class PeriodOut(Schema):
    status: str
    phase: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    calendar_minutes: int
    working_minutes: int
    paused: bool


class StatusTimeOut(Schema):
    status: str
    calendar_minutes: int
    working_minutes: int


class TicketSlaOut(Schema):
    number: int
    policy: NamedRef | None
    rule_id: int | None
    policy_reason: str
    calendar: NamedRef | None
    calendar_source: str
    reaction_due: dt.datetime | None
    resolution_due: dt.datetime | None
    reacted_at: dt.datetime | None
    resolved_at: dt.datetime | None
    paused_minutes: int
    paused_since: dt.datetime | None
    reaction_breached: bool
    resolution_breached: bool
    reaction_override: dt.datetime | None
    resolution_override: dt.datetime | None
    breach_risk: float | None
    risk_computed_at: dt.datetime | None
    time_per_status: list[StatusTimeOut]
    periods: list[PeriodOut]


class OverrideIn(InSchema):
    deadline: str = Field(description="reaction or resolution")
    due: dt.datetime
    reason: str


def named(row: Any) -> dict[str, Any] | None:
    return None if row is None else {"id": row.pk, "name": str(row)}
