"""The SLA endpoints: configuration CRUD (admins only), preview, ticket SLA, lists, override."""

from __future__ import annotations

import datetime as dt

import pytest

from deskline.sla.models import Calendar, TicketSla
from deskline.tickets.models import Ticket, TicketEvent
from tests.factories import UserFactory
from tests.sla.conftest import msk, priority

pytestmark = pytest.mark.django_db


def test_an_admin_creates_a_calendar_with_two_intervals_a_day(admin_api):
    week = ["09:00-13:00, 14:00-18:00"] * 5 + ["", ""]
    response = admin_api.post("sla/calendars", {"name": "Office", "week": week, "country": "DE"})
    assert response.status_code == 201
    assert response.json()["week"][0] == "09:00-13:00, 14:00-18:00"


def test_a_bad_week_is_refused_with_the_field(admin_api):
    response = admin_api.post("sla/calendars", {"name": "Bad", "week": ["9-25"] * 7})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_an_agent_may_read_but_not_change_calendars(api_for, agent):
    api = api_for(agent)
    assert api.get("sla/calendars").status_code == 200
    assert api.post("sla/calendars", {"name": "Mine"}).status_code == 403


def test_a_client_may_not_read_policies(api_for):
    client = UserFactory(username="client", role="contact")
    assert api_for(client).get("sla/policies").status_code == 403


def test_adding_an_exception_bumps_the_version_and_enqueues_a_recompute(admin_api, business):
    response = admin_api.post(
        f"sla/calendars/{business.pk}/exceptions", {"day": "2026-03-17", "kind": "day_off"}
    )
    assert response.status_code == 201
    assert response.json()["version"] == business.version + 1
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path__endswith="sla_recompute").exists()


def test_a_policy_is_created_with_targets_and_steps(admin_api, business):
    body = {
        "name": "Gold", "calendar_id": business.pk, "reaction_mode": "either",
        "targets": [{"priority_id": priority("high").pk, "reaction_minutes": 15, "resolution_minutes": 120}],
        "steps": [{"name": "Half way", "trigger": "elapsed", "value": 50, "notify_assignee": True}],
    }  # fmt: skip
    response = admin_api.post("sla/policies", body)
    assert response.status_code == 201
    data = response.json()
    assert (data["targets"][0]["resolution_minutes"], data["steps"][0]["value"]) == (120, 50)


def test_preview_explains_the_policy_and_calendar(admin_api, standard, business):
    body = {"created_at": msk(16, 10).isoformat(), "priority_id": priority("critical").pk}
    data = admin_api.post("sla/preview", body).json()
    assert (data["policy"]["name"], data["policy_reason"]) == ("Standard", "the default policy")
    assert (data["calendar"]["name"], data["calendar_source"]) == ("Business hours", "policy")
    assert dt.datetime.fromisoformat(data["resolution_due"]) == msk(16, 14)


def test_ticket_sla_details_show_time_per_status(admin_api, make_ticket, clock):
    ticket = make_ticket()
    clock.set(msk(16, 12))
    data = admin_api.get(f"sla/tickets/{ticket.number}").json()
    assert data["time_per_status"] == [
        {"status": "new", "calendar_minutes": 120, "working_minutes": 120}
    ]
    assert data["calendar"]["name"] == "Business hours"


def test_the_overdue_list_has_late_running_tickets_only(admin_api, make_ticket, clock):
    late, fine = make_ticket(title="Late"), make_ticket(title="Fine")
    Ticket.objects.filter(pk=late.pk).update(resolution_due=msk(16, 9))
    Ticket.objects.filter(pk=fine.pk).update(reaction_due=msk(17, 9), resolution_due=msk(20, 9))
    data = admin_api.get("sla/tickets", {"state": "overdue"}).json()
    assert [t["number"] for t in data["items"]] == [late.number]


def test_the_at_risk_list_uses_the_stored_breach_risk(admin_api, make_ticket, clock):
    risky, calm = make_ticket(title="Risky"), make_ticket(title="Calm")
    TicketSla.objects.filter(ticket=risky).update(breach_risk=0.4)
    TicketSla.objects.filter(ticket=calm).update(breach_risk=0.05)
    data = admin_api.get("sla/tickets", {"state": "at_risk"}).json()
    assert [t["number"] for t in data["items"]] == [risky.number]


def test_an_override_with_a_reason_is_kept_and_recorded(admin_api, make_ticket, clock):
    ticket = make_ticket()
    due = msk(27, 12)
    response = admin_api.post(
        f"sla/tickets/{ticket.number}/override",
        {"deadline": "resolution", "due": due.isoformat(), "reason": "Parts on order"},
    )
    assert dt.datetime.fromisoformat(response.json()["resolution_due"]) == due
    event = TicketEvent.objects.get(ticket=ticket, kind="deadline_overridden")
    assert (event.payload.reason, event.payload.due) == ("Parts on order", due)
    assert dt.datetime.fromisoformat(event.changes["resolution_due"][1]) == due


def test_an_override_needs_a_reason(admin_api, make_ticket, clock):
    ticket = make_ticket()
    response = admin_api.post(
        f"sla/tickets/{ticket.number}/override",
        {"deadline": "resolution", "due": msk(27, 12).isoformat(), "reason": " "},
    )
    assert response.status_code == 422


def test_an_agent_cannot_see_the_sla_of_a_ticket_outside_their_teams(api_for, make_ticket, clock):
    from tests.factories import TeamFactory

    ticket = make_ticket(team_id=TeamFactory().pk)
    outsider = UserFactory(username="outsider", role="agent")
    assert api_for(outsider).get(f"sla/tickets/{ticket.number}").status_code == 404


def test_deleting_the_default_calendar_is_refused(admin_api):
    default = Calendar.objects.get(is_default=True)
    assert admin_api.delete(f"sla/calendars/{default.pk}").status_code == 422


def test_a_policy_pausing_on_an_unknown_status_is_a_422_naming_the_field(admin_api, business):
    body = {"name": "Gold", "calendar_id": business.pk, "pause_status_ids": [987654]}
    response = admin_api.post("sla/policies", body)
    assert response.status_code == 422
    assert "987654" in response.json()["error"]["fields"]["pause_status_ids"]


def test_a_target_beyond_the_integer_column_is_a_422_naming_the_field(admin_api, business):
    target = {"priority_id": priority("high").pk, "reaction_minutes": 3_000_000_000}
    body = {"name": "Gold", "calendar_id": business.pk, "targets": [target]}
    response = admin_api.post("sla/policies", body)
    assert response.status_code == 422
    assert "reaction_minutes" in response.json()["error"]["fields"]
