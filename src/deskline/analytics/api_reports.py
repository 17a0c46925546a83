"""REST endpoints of the reports: `/api/v1/reports/{name}` as JSON, CSV or XLSX."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from deskline.accounts.api_auth import request_user
from deskline.analytics.exports import CONTENT_TYPES, table_export
from deskline.analytics.reports import Table, report_build
from deskline.analytics.selectors import StatsFilter
from deskline.core.errors import ValidationFailed
from deskline.core.permissions import require_report_reader

router = Router(tags=["reports"])

MAX_DAYS = 3 * 366


class ReportQuery(Schema):
    start: dt.date | None = Field(default=None, description="first day (UTC); 30 days ago")
    end: dt.date | None = Field(default=None, description="last day (UTC); today")
    team: int | None = None
    agent: int | None = None
    company: int | None = None
    company_category: int | None = None
    type: int | None = None
    priority: int | None = None
    channel: str | None = Field(default=None, max_length=16)
    grain: Literal["day", "week", "month"] = "day"
    by: Literal["team", "agent", "company", "priority", "type", "channel"] = "team"
    clock: Literal["business", "wall"] = Field(
        default="business",
        description="time distributions: business time on the ticket's SLA calendar, or wall time",
    )
    format: Literal["json", "csv", "xlsx"] = "json"


class ColumnOut(Schema):
    key: str
    label: str


class ReportOut(Schema):
    name: str
    title: str
    columns: list[ColumnOut]
    rows: list[dict[str, Any]]


def report_filter(query: ReportQuery) -> StatsFilter:
    """The filter of a report query; the period defaults to the last 30 days."""
    end = query.end or timezone.now().date()
    start = query.start or end - dt.timedelta(days=29)
    if start > end:
        raise ValidationFailed("the period starts after it ends", fields={"start": "after end"})
    if (end - start).days > MAX_DAYS:
        raise ValidationFailed("the period is too long", fields={"start": "at most 3 years"})
    return StatsFilter(
        start=start, end=end, team=query.team, agent=query.agent, company=query.company,
        company_category=query.company_category, type=query.type, priority=query.priority,
        channel=query.channel or None,
    )  # fmt: skip


def report_of_query(name: str, query: ReportQuery) -> Table:
    """The named report for the query's filter, grain, breakdown and clock."""
    return report_build(
        name=name, f=report_filter(query), grain=query.grain, by=query.by, clock=query.clock
    )


def _report(request: HttpRequest, name: str, query: ReportQuery) -> Any:
    require_report_reader(request_user(request))
    table = report_of_query(name, query)
    if query.format == "json":
        return table.as_dict()
    response = HttpResponse(table_export(table=table, fmt=query.format),
                            content_type=CONTENT_TYPES[query.format])  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="{name}.{query.format}"'
    return response


@router.get("/sla", response=ReportOut, summary="SLA compliance over time")
def report_sla(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    return _report(request, "sla", query)


@router.get("/flow", response=ReportOut, summary="Created vs resolved and the backlog")
def report_flow(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    return _report(request, "flow", query)


@router.get(
    "/distribution",
    response=ReportOut,
    summary="Response, resolution and time in status: median, p90, histogram (clock=)",
)
def report_distribution(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    return _report(request, "distribution", query)


@router.get("/breakdown", response=ReportOut, summary="Per team, agent, company, ... (by=)")
def report_breakdown(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    return _report(request, "breakdown", query)


@router.get("/csat", response=ReportOut, summary="Client satisfaction over time")
def report_csat(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    return _report(request, "csat", query)


@router.get("/channels", response=ReportOut, summary="Channel mix")
def report_channels(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    return _report(request, "channels", query)


@router.get("/nps", response=ReportOut, summary="Net Promoter Score and answer rate (grain)")
def report_nps(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    return _report(request, "nps", query)


@router.get(
    "/breaches", response=ReportOut, summary="SLA breaches with time per status and handovers"
)
def report_breaches(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    return _report(request, "breaches", query)


@router.get("/answers", response=ReportOut, summary="Survey answers with comments and call-backs")
def report_answers(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    return _report(request, "answers", query)


@router.get("/stress", response=ReportOut, summary="Stress check-ins per team (never per person)")
def report_stress(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    return _report(request, "stress", query)


@router.get(
    "/time", response=ReportOut, summary="Time logged per person (hours, billable, tickets)"
)
def report_time(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    return _report(request, "time", query)


@router.get(
    "/tone", response=ReportOut, summary="Tickets with negative, angry or urgent client messages"
)
def report_tone(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    return _report(request, "tone", query)
