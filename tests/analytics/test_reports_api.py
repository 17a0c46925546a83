"""The reports through the API: JSON, CSV and XLSX, filters, access and query counts."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.factories import ContactUserFactory

PERIOD = {"start": "2026-03-01", "end": "2026-03-31"}


def test_the_sla_report_by_week(admin_api, world):
    body = admin_api.get("reports/sla", {**PERIOD, "grain": "week"}).json()
    assert body["name"] == "sla" and body["rows"]
    assert {c["key"] for c in body["columns"]} >= {"period", "reaction_met_pct"}
    met = sum(r["resolution_met"] + r["resolution_breached"] for r in body["rows"])
    assert met == 20


def test_a_team_filter_narrows_the_flow(admin_api, world):
    team = world["teams"][0]
    everything = admin_api.get("reports/flow", PERIOD).json()["rows"]
    one = admin_api.get("reports/flow", {**PERIOD, "team": team.pk}).json()["rows"]
    assert 0 < sum(r["created"] for r in one) < sum(r["created"] for r in everything) == 30


def test_breakdown_per_team_names_the_teams(admin_api, world):
    rows = admin_api.get("reports/breakdown", {**PERIOD, "by": "team"}).json()["rows"]
    assert {r["label"] for r in rows} == {t.name for t in world["teams"]}


def test_a_breakdown_takes_the_same_queries_for_any_number_of_rows(
    admin_api,
    world,
    django_assert_max_num_queries,
):
    admin_api.get("reports/breakdown", {**PERIOD, "by": "company"})  # warm the token cache
    with django_assert_max_num_queries(6):
        assert (
            len(admin_api.get("reports/breakdown", {**PERIOD, "by": "company"}).json()["rows"]) == 3
        )


def test_distribution_gives_median_and_p90(admin_api, world):
    rows = admin_api.get("reports/distribution", PERIOD).json()["rows"]
    resolution = rows[1]
    assert resolution["count"] == 20 and resolution["median"] <= resolution["p90"]


def test_xlsx_and_csv_exports(admin_api, world):
    response = admin_api.get("reports/sla", {**PERIOD, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="sla.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Period" and sheet.max_row > 1
    csv = admin_api.get("reports/channels", {**PERIOD, "format": "csv"}).content.decode()
    assert csv.startswith("\ufeffId,Name,Created")


def test_a_period_ending_before_it_starts_is_refused(admin_api, db):
    response = admin_api.get("reports/sla", {"start": "2026-03-02", "end": "2026-03-01"})
    assert response.status_code == 422 and "start" in response.json()["error"]["fields"]


@pytest.mark.parametrize("name", ["sla", "flow", "breakdown", "csat", "channels"])
def test_a_client_contact_may_not_read_reports(api_for, db, name):
    assert api_for(ContactUserFactory(username="c")).get(f"reports/{name}").status_code == 403


def test_the_channel_mix_counts_questions_self_service_answered(admin_api, world):
    import datetime as dt

    from deskline.knowledge.article_models import Deflection

    for source in ("portal_form", "portal_form", "bot"):
        Deflection.objects.create(source=source)
    Deflection.objects.update(created_at=dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC))
    rows = admin_api.get("reports/channels", PERIOD).json()["rows"]
    portal = next(r["created"] for r in rows if r["key"] == "portal")
    answered = {r["key"]: r for r in rows if r["key"].startswith("self-service:")}
    assert answered["self-service:portal_form"]["created"] == 2
    assert answered["self-service:bot"]["created"] == 1
    assert answered["self-service:bot"]["deflection_pct"] == round(100 / (3 + portal), 1)
    team = world["teams"][0].pk
    narrowed = admin_api.get("reports/channels", {**PERIOD, "team": team}).json()["rows"]
    assert not any(r["key"].startswith("self-service:") for r in narrowed)
