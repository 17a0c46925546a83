"""/api/v1/maintenance-plans: written by dispatchers, read by staff and by the company's clients
(never another company's, never the internal fields); skip and move; the portal's next date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import dateformat, timezone

from deskline.accounts.models import Role
from deskline.fieldwork.maintenance_scheduler import maintenance_run
from tests.factories import ContactUserFactory, EquipmentFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def item() -> Any:
    return EquipmentFactory()


def _body(item: Any, **extra: Any) -> dict[str, Any]:
    return {"name": "Quarterly service", "equipment_id": item.pk, "title": "Service",
            "rule": "FREQ=MONTHLY;INTERVAL=3", "starts_on": str(TODAY + dt.timedelta(days=40)),
            "description": "Bring the spare belt", "team_id": TeamFactory().pk, **extra}  # fmt: skip


def test_a_dispatcher_creates_a_plan_and_reads_its_next_dates(api_for: Any, item: Any) -> None:
    api = api_for(UserFactory(role=Role.DISPATCHER))
    response = api.post("maintenance-plans", _body(item))
    assert response.status_code == 201, response.json()
    body = response.json()
    first = TODAY + dt.timedelta(days=40)
    assert body["next"]["scheduled_on"] == str(first)
    assert [d["due_on"] for d in body["upcoming"][:2]] == [str(first), str(
        (first.replace(day=1) + dt.timedelta(days=95)).replace(day=first.day))]  # fmt: skip
    assert body["company_id"] == item.company_id and body["past"] == []


def test_a_wrong_rule_is_a_422_naming_the_field(admin_api: Any, item: Any) -> None:
    response = admin_api.post("maintenance-plans", _body(item, rule="FREQ=HOURLY"))
    assert response.status_code == 422
    assert "rule" in response.json()["error"]["fields"]


def test_agents_and_clients_may_not_write_plans(api_for: Any, item: Any) -> None:
    client_user = ContactUserFactory(contact__company=item.company)
    for user in (UserFactory(role=Role.AGENT), client_user):
        assert api_for(user).post("maintenance-plans", _body(item)).status_code == 403


def test_a_client_reads_its_companys_plans_without_internal_fields(
    admin_api: Any, api_for: Any, item: Any
) -> None:
    plan = admin_api.post("maintenance-plans", _body(item)).json()
    other = admin_api.post("maintenance-plans", _body(EquipmentFactory())).json()
    client_api = api_for(ContactUserFactory(contact__company=item.company))
    listed = client_api.get("maintenance-plans").json()
    assert [p["id"] for p in listed] == [plan["id"]]
    assert listed[0]["description"] == "" and listed[0]["team_id"] is None
    assert client_api.get(f"maintenance-plans/{other['id']}").status_code == 404
    assert client_api.patch(f"maintenance-plans/{plan['id']}", {"name": "x"}).status_code == 403
    assert client_api.delete(f"maintenance-plans/{other['id']}").status_code == 404


def test_skip_and_move_show_in_the_plans_dates(admin_api: Any, item: Any) -> None:
    plan = admin_api.post("maintenance-plans", _body(item)).json()
    first, second = (d["due_on"] for d in plan["upcoming"][:2])
    skipped = admin_api.post(f"maintenance-plans/{plan['id']}/dates/{first}/skip", {}).json()
    assert skipped["upcoming"][0]["state"] == "skipped"
    assert skipped["next"]["due_on"] == second
    to = str(dt.date.fromisoformat(second) + dt.timedelta(days=3))
    moved = admin_api.post(f"maintenance-plans/{plan['id']}/dates/{second}/move", {"to": to})
    assert moved.json()["next"] == {**moved.json()["next"], "scheduled_on": to, "moved": True}
    wrong = admin_api.post(f"maintenance-plans/{plan['id']}/dates/{to}/skip", {})
    assert wrong.status_code == 422


def test_a_created_ticket_shows_in_the_past_once_its_day_has_gone(
    admin_api: Any, item: Any
) -> None:
    plan = admin_api.post("maintenance-plans", _body(item, starts_on=str(TODAY))).json()
    number = maintenance_run(today=TODAY).created[0]
    detail = admin_api.get(f"maintenance-plans/{plan['id']}").json()
    assert detail["next"]["ticket_number"] == number and detail["next"]["state"] == "created"


def test_the_portal_shows_the_companys_next_maintenance(admin_api: Any, item: Any) -> None:
    first = TODAY + dt.timedelta(days=10)
    admin_api.post("maintenance-plans", _body(item, starts_on=str(first)))
    admin_api.post("maintenance-plans", _body(EquipmentFactory(), name="Other company's plan"))
    user = ContactUserFactory(contact__company=item.company)
    browser = Client()
    browser.force_login(user)
    page = browser.get("/portal/").content.decode()
    assert f"Next maintenance: {dateformat.format(first, 'j F')}" in page  # "12 March"
    assert "Quarterly service" in page and "Other company" not in page


def test_the_desk_plan_page_shows_the_dates_and_a_dispatcher_skips_and_moves_one(
    admin_api: Any, item: Any
) -> None:
    plan = admin_api.post("maintenance-plans", _body(item)).json()
    first, second = (d["due_on"] for d in plan["upcoming"][:2])
    browser = Client()
    browser.force_login(UserFactory(role=Role.DISPATCHER))
    page = browser.get(f"/maintenance/{plan['id']}/").content.decode()
    assert dt.date.fromisoformat(first).strftime("%d.%m.%Y") in page and 'value="skip"' in page
    url = f"/maintenance/{plan['id']}/dates/"
    assert browser.post(url, {"due_on": first, "action": "skip"}).status_code == 302
    to = str(dt.date.fromisoformat(second) + dt.timedelta(days=2))
    browser.post(url, {"due_on": second, "action": "move", "to": to})
    detail = admin_api.get(f"maintenance-plans/{plan['id']}").json()
    assert [d["state"] for d in detail["upcoming"][:2]] == ["skipped", "pending"]
    assert detail["upcoming"][1]["scheduled_on"] == to
    assert "Skipped" in browser.get(f"/maintenance/{plan['id']}/").content.decode()


def test_an_agent_reads_the_plan_page_but_may_not_change_dates(admin_api: Any, item: Any) -> None:
    plan = admin_api.post("maintenance-plans", _body(item)).json()
    browser = Client()
    browser.force_login(UserFactory(role=Role.AGENT))
    page = browser.get(f"/maintenance/{plan['id']}/").content.decode()
    assert plan["name"] in page and 'value="skip"' not in page
    first = plan["upcoming"][0]["due_on"]
    browser.post(f"/maintenance/{plan['id']}/dates/", {"due_on": first, "action": "skip"})
    assert admin_api.get(f"maintenance-plans/{plan['id']}").json()["upcoming"][0]["state"] == (
        "pending"
    )


def test_the_equipment_site_and_contract_pages_list_their_plans(admin_api: Any, item: Any) -> None:
    plan = admin_api.post("maintenance-plans", _body(item, name="Belt check")).json()
    browser = Client()
    browser.force_login(UserFactory(role=Role.AGENT))
    for page in (f"/equipment/{item.pk}/", f"/sites/{item.site_id}/"):
        body = browser.get(page).content.decode()
        assert f'href="/maintenance/{plan["id"]}/">Belt check' in body, page
