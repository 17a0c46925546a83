"""The reports in the desk (issue 18, item 5): each report of `analytics.reports` as a chart
(server-drawn SVG, shown as a picture) above its table, with the API's filters and its CSV and
XLSX exports. For those who read reports: administrators, supervisors and dispatchers.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError

from deskline.accounts.models import Team, User
from deskline.analytics.api_reports import ReportQuery, report_of_query
from deskline.analytics.charts import chart_svg
from deskline.analytics.forecasting import (
    DEFAULT_HANDLE_MINUTES,
    DEFAULT_SERVICE_LEVEL,
    DEFAULT_TARGET_MINUTES,
    LoadForecast,
    load_forecast,
    staffing_week,
)
from deskline.analytics.reports import REPORTS, Table
from deskline.core.errors import DomainError, PermissionDenied
from deskline.core.permissions import require_report_reader
from deskline.desk.choices import load_choices
from deskline.desk.web import staff_page

TITLES = {
    "sla": _("SLA compliance"),
    "flow": _("Created and resolved"),
    "distribution": _("Response and resolution times"),
    "breakdown": _("Breakdown"),
    "csat": _("Client satisfaction"),
    "channels": _("Channel mix"),
    "nps": _("Net Promoter Score"),
    "breaches": _("Breaches"),
    "answers": _("Survey answers"),
    "stress": _("Stress per team"),
    "time": _("Time spent"),
    "tone": _("Tone"),
    "forecast": _("Load forecast"),
}
TABS = (*REPORTS, "forecast")
#: Query parameters a report page passes on to its chart and its exports.
PASSED_ON = (
    "start",
    "end",
    "team",
    "agent",
    "company",
    "type",
    "priority",
    "channel",
    "grain",
    "by",
    "clock",
)


def _query(request: HttpRequest) -> tuple[ReportQuery | None, str]:
    given = {k: request.GET.get(k, "") for k in PASSED_ON if request.GET.get(k, "").strip()}
    try:
        return ReportQuery.model_validate(given), ""
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "query"
        return None, f"{field}: {first['msg']}"


def _reader(request: HttpRequest) -> User | None:
    user = request.user
    assert isinstance(user, User)
    try:
        require_report_reader(user)
    except PermissionDenied:
        return None
    return user


@staff_page
def report_page(request: HttpRequest, name: str = "sla") -> HttpResponse:
    if name not in REPORTS:
        raise Http404("no such report")
    if _reader(request) is None:
        return HttpResponseForbidden(
            _("Reports are for administrators, supervisors and dispatchers.")
        )
    query, error = _query(request)
    table = None
    if query is not None:
        try:
            table = report_of_query(name, query)
        except DomainError as exc:
            error = exc.message
    passed = urlencode([(k, request.GET[k]) for k in PASSED_ON if request.GET.get(k, "").strip()])
    choices = load_choices(with_categories=False)
    context: dict[str, Any] = {
        "nav": "reports",
        "name": name,
        "reports": [(key, TITLES[key]) for key in TABS],
        "table": table,
        "error": error,
        "params": request.GET,
        "passed": passed,
        "teams": Team.objects.filter(is_active=True).order_by("name"),
        "choices": choices,
    }
    return render(request, "desk/reports.html", context, status=400 if error else 200)


def _forecast(request: HttpRequest) -> LoadForecast:
    weeks = request.GET.get("weeks", "")
    team = request.GET.get("team", "")
    return load_forecast(
        today=timezone.localdate(),
        weeks=min(8, max(2, int(weeks))) if weeks.isdigit() else 4,
        team=int(team) if team.isdigit() else None,
        channel=request.GET.get("channel") or None,
    )


def _number(raw: str | None, default: float, low: float, high: float) -> float:
    try:
        value = float((raw or "").replace(",", "."))
    except ValueError:
        return default
    return min(high, max(low, value))


@staff_page
def forecast_page(request: HttpRequest) -> HttpResponse:
    if _reader(request) is None:
        return HttpResponseForbidden(
            _("Reports are for administrators, supervisors and dispatchers.")
        )
    made = _forecast(request)
    passed = urlencode([(k, request.GET[k]) for k in ("weeks", "team", "channel")
                        if request.GET.get(k, "").strip()])  # fmt: skip
    team_id = request.GET.get("team", "")
    team = Team.objects.filter(pk=int(team_id)).first() if team_id.isdigit() else None
    staffing = None
    if made.backtest is not None:
        staffing = staffing_week(
            made,
            now=timezone.localtime(),
            handle_minutes=_number(request.GET.get("handle"), DEFAULT_HANDLE_MINUTES, 1, 480),
            target_minutes=_number(request.GET.get("target"), DEFAULT_TARGET_MINUTES, 1, 1440),
            service_level=_number(request.GET.get("level"), DEFAULT_SERVICE_LEVEL * 100, 1, 99)
            / 100,
            team=team,
        )
    context: dict[str, Any] = {
        "nav": "reports",
        "name": "forecast",
        "reports": [(key, TITLES[key]) for key in TABS],
        "table": made.table,
        "forecast": made,
        "staffing": staffing,
        "params": request.GET,
        "passed": passed,
        "teams": Team.objects.filter(is_active=True).order_by("name"),
    }
    return render(request, "desk/forecast.html", context)


@staff_page
def report_chart(request: HttpRequest, name: str) -> HttpResponse:
    if name not in TABS:
        raise Http404("no such report")
    if _reader(request) is None:
        return HttpResponseForbidden()
    table: Table
    if name == "forecast":
        table = _forecast(request).table
    else:
        query, error = _query(request)
        if query is None:
            return HttpResponse(error, status=400, content_type="text/plain")
        try:
            table = report_of_query(name, query)
        except DomainError as exc:
            return HttpResponse(exc.message, status=400, content_type="text/plain")
    svg = chart_svg(table, no_data=str(_("No data for this period.")))
    response = HttpResponse(svg, content_type="image/svg+xml")
    # The picture's own styles are inline SVG presentation: allow them in this answer only.
    response._csp_update = {"style-src": ["'unsafe-inline'"]}  # type: ignore[attr-defined]
    return response
