"""The reports in the desk: a chart drawn on the server above each report's table, the API's
filters, and only for those who read reports."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from deskline.accounts.models import Role
from deskline.analytics.charts import chart_svg
from deskline.analytics.reports import REPORTS, Table
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatcher_client(db: None) -> Client:
    client = Client()
    client.force_login(UserFactory(username="disp", role=Role.DISPATCHER))
    return client


@pytest.mark.parametrize("name", [r for r in REPORTS if r not in ("breaches", "answers", "stress")])
def test_each_report_shows_its_table_and_chart(
    dispatcher_client: Client, make_ticket: Any, name: str
) -> None:
    make_ticket(title="Counted")
    response = dispatcher_client.get(f"/reports/{name}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'src="/reports/{name}/chart.svg?' in body and "<table" in body
    chart = dispatcher_client.get(f"/reports/{name}/chart.svg")
    assert chart.status_code == 200 and chart["Content-Type"] == "image/svg+xml"
    assert chart.content.startswith(b"<?xml") and b"<script" not in chart.content


def test_filters_pass_on_to_the_chart_and_the_exports(dispatcher_client: Client) -> None:
    body = dispatcher_client.get("/reports/flow/", {"grain": "week", "start": "2026-11-01"})
    text = body.content.decode()
    assert "chart.svg?start=2026-11-01&amp;grain=week" in text
    assert "/api/v1/reports/flow?start=2026-11-01&amp;grain=week&amp;format=xlsx" in text


def test_a_bad_period_is_named(dispatcher_client: Client) -> None:
    response = dispatcher_client.get("/reports/sla/", {"start": "2026-12-01", "end": "2026-11-01"})
    assert response.status_code == 400
    assert "starts after it ends" in response.content.decode()
    assert dispatcher_client.get("/reports/sla/", {"start": "yesterday"}).status_code == 400


def test_agents_do_not_read_reports(agent_client: Client) -> None:
    assert agent_client.get("/reports/").status_code == 403
    assert agent_client.get("/reports/sla/chart.svg").status_code == 403
    assert 'href="/reports/"' not in agent_client.get("/").content.decode()


def test_unknown_report_is_404(dispatcher_client: Client) -> None:
    assert dispatcher_client.get("/reports/salaries/").status_code == 404


def test_chart_plots_the_series_by_their_labels() -> None:
    table = Table(
        "flow", "Flow", [("period", "Period"), ("created", "Created"), ("resolved", "Resolved"),
                         ("backlog", "Backlog")],
        [{"period": "2026-11-01", "created": 5, "resolved": 3, "backlog": 2}],
    )  # fmt: skip
    svg = chart_svg(table)
    assert "Created" in svg and "Resolved" in svg and "Backlog" in svg and "2026-11-01" in svg


def test_chart_of_an_empty_report_is_still_a_picture() -> None:
    svg = chart_svg(Table("sla", "SLA", [("period", "Period")], []))
    assert svg.startswith("<?xml") and "</svg>" in svg


def test_forecast_page_forecasts_from_the_history_and_beats_nothing_it_cannot_measure(
    dispatcher_client: Client, db: None
) -> None:
    import datetime as dt

    from django.utils import timezone

    from deskline.analytics.models import DailyTeamStats

    today = timezone.localdate()
    for back in range(1, 8 * 7 + 1):  # eight weeks: busy Mondays, quiet weekends
        day = today - dt.timedelta(days=back)
        DailyTeamStats.objects.create(day=day, created=[20, 15, 14, 13, 12, 3, 2][day.weekday()])
    response = dispatcher_client.get("/reports/forecast/", {"weeks": "2"})
    assert response.status_code == 200
    forecast = response.context["forecast"]
    future = [r for r in forecast.table.rows if r["forecast"] is not None]
    assert len(future) == 14
    monday = next(r for r in future if dt.date.fromisoformat(r["period"]).weekday() == 0)
    sunday = next(r for r in future if dt.date.fromisoformat(r["period"]).weekday() == 6)
    assert monday["forecast"] > sunday["forecast"]
    assert forecast.backtest is not None and forecast.backtest.model_mape is not None
    chart = dispatcher_client.get("/reports/forecast/chart.svg", {"weeks": "2"})
    assert chart.status_code == 200 and b"<svg" in chart.content


def test_forecast_without_history_says_what_it_needs(dispatcher_client: Client) -> None:
    body = dispatcher_client.get("/reports/forecast/").content.decode()
    assert "at least two weeks" in body


def test_forecast_page_names_the_understaffed_hours(dispatcher_client: Client, db: None) -> None:
    import datetime as dt

    from django.utils import timezone

    from deskline.analytics.models import DailyTeamStats

    today = timezone.localdate()
    for back in range(1, 8 * 7 + 1):
        DailyTeamStats.objects.create(day=today - dt.timedelta(days=back), created=400)
    response = dispatcher_client.get("/reports/forecast/", {"handle": "30", "target": "20"})
    staffing = response.context["staffing"]
    assert staffing is not None and staffing.agents_on_shift == 1  # the dispatcher alone
    assert any(hour.gap > 0 for hour in staffing.plan)
    assert staffing.advice and "add " in staffing.advice[0]
    assert "add " in response.content.decode().split('id="staffing"')[1]
