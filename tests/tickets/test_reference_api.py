"""Reference data over the API: reads scoped for clients, writes for administrators."""

from __future__ import annotations

import pytest

from deskline.tickets.models import CustomField, Status, StatusTransition

pytestmark = pytest.mark.django_db


def test_clients_see_only_ticket_types_open_to_them(api_for, client_user, admin_api):
    staff_codes = {t["code"] for t in admin_api.get("ticket-types").json()}
    client_codes = {t["code"] for t in api_for(client_user).get("ticket-types").json()}
    assert "planned_work" in staff_codes
    assert "planned_work" not in client_codes and client_codes


def test_clients_see_only_custom_fields_visible_to_them(api_for, client_user, admin_api):
    CustomField.objects.create(code="internal_cost", name="Cost", field_type="number")
    CustomField.objects.create(
        code="floor", name="Floor", field_type="number", visible_to_clients=True
    )
    assert {f["code"] for f in admin_api.get("custom-fields").json()} == {"internal_cost", "floor"}
    assert [f["code"] for f in api_for(client_user).get("custom-fields").json()] == ["floor"]


def test_admin_adds_a_status_and_a_transition(admin_api):
    created = admin_api.post(
        "statuses", {"code": "on_site", "name": "Engineer on site", "phase": "open"}
    )
    assert created.status_code == 201
    new = Status.objects.get(code="on_site").pk
    start = Status.objects.get(code="new").pk
    response = admin_api.post("status-transitions", {"from_status_id": start, "to_status_id": new})
    assert response.status_code == 201
    assert StatusTransition.objects.filter(from_status_id=start, to_status_id=new).exists()


def test_a_status_with_an_unknown_phase_is_refused(admin_api):
    response = admin_api.post("statuses", {"code": "x", "name": "X", "phase": "limbo"})
    assert response.status_code == 422
    assert "phase" in response.json()["error"]["fields"]


def test_an_agent_may_not_change_reference_data(api_for, agent):
    response = api_for(agent).post("categories", {"name": "Lifts"})
    assert response.status_code == 403
