"""The routing API: rule CRUD for admins, errors in one shape, the dry run, escalation."""

from __future__ import annotations

import pytest

from deskline.accounts.models import Role
from deskline.routing.models import Rule, RuleSet
from deskline.tickets.models import Priority
from tests.factories import CompanyCategoryFactory, CompanyFactory, TeamFactory, UserFactory
from tests.routing.conftest import leaf

pytestmark = pytest.mark.django_db


def test_admin_creates_lists_updates_and_deletes_rule_sets_and_rules(admin_api):
    response = admin_api.post("routing/rule-sets", {"name": "Intake", "mode": "all_matching"})
    assert response.status_code == 201
    rs = response.json()
    rule = admin_api.post(
        "routing/rules",
        {"rule_set_id": rs["id"], "name": "VIP", "conditions": [leaf("company_category", "eq", "vip")],
         "actions": {"priority_id": 1, "tags": ["vip"]}},
    )  # fmt: skip
    assert rule.status_code == 201, rule.content
    rule_id = rule.json()["id"]
    assert [
        r["name"] for r in admin_api.get("routing/rules", {"rule_set_id": rs["id"]}).json()
    ] == ["VIP"]
    patched = admin_api.patch(f"routing/rules/{rule_id}", {"order": 5, "is_active": False})
    assert patched.json()["order"] == 5 and patched.json()["is_active"] is False
    assert (
        admin_api.patch(f"routing/rule-sets/{rs['id']}", {"mode": "first_match"}).json()["mode"]
        == "first_match"
    )
    assert admin_api.get(f"routing/rule-sets/{rs['id']}").status_code == 200
    assert admin_api.delete(f"routing/rules/{rule_id}").status_code == 204
    assert admin_api.delete(f"routing/rule-sets/{rs['id']}").status_code == 204
    assert not RuleSet.objects.exists() and not Rule.objects.exists()


def test_invalid_rules_are_refused_with_field_errors(admin_api):
    rs = RuleSet.objects.create(name="S")
    response = admin_api.post(
        "routing/rules",
        {"rule_set_id": rs.pk, "name": "bad",
         "conditions": [leaf("title", "regex", "("), leaf("nope", "eq", 1)],
         "actions": {"team_id": "x"}},
    )  # fmt: skip
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"conditions[0].value", "conditions[1].field", "actions.team_id"}


def test_a_rule_in_an_unknown_rule_set_is_refused_naming_rule_set_id(admin_api):
    response = admin_api.post("routing/rules", {"rule_set_id": 987654, "name": "Lost"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"rule_set_id": "no such id: 987654"}


def test_bad_mode_and_duplicate_name_are_refused(admin_api):
    RuleSet.objects.create(name="Taken")
    assert admin_api.post("routing/rule-sets", {"name": "X", "mode": "some"}).json()["error"][
        "fields"
    ] == {"mode": "one of ['all_matching', 'first_match']"}
    assert (
        "name" in admin_api.post("routing/rule-sets", {"name": "Taken"}).json()["error"]["fields"]
    )


def test_unknown_ids_are_not_found(admin_api):
    assert admin_api.get("routing/rules/999").status_code == 404
    assert admin_api.patch("routing/rule-sets/999", {"name": "x"}).status_code == 404


@pytest.mark.parametrize("role", [Role.AGENT, Role.DISPATCHER, Role.CONTRACTOR])
def test_only_admins_and_supervisors_manage_rules(api_for, role):
    api = api_for(UserFactory(username=f"u-{role}", role=role))
    assert api.get("routing/rule-sets").status_code == 403
    assert api.post("routing/rule-sets", {"name": "x"}).status_code == 403
    assert api.post("routing/dry-run", {"title": "x"}).status_code == 403


def test_dry_run_shows_matches_in_order_and_what_would_be_set(admin_api, add_rule, rule_set):
    rule_set.mode = "all_matching"
    rule_set.save()
    team = TeamFactory()
    vip = CompanyFactory(category=CompanyCategoryFactory(code="vip"))
    add_rule([leaf("company_category", "eq", "vip")], {"team_id": team.pk, "tags": ["vip"]},
             name="VIP", order=1)  # fmt: skip
    add_rule([leaf("text", "contains", ["urgent", "down"])], {"priority_id": 1, "team_id": 99},
             name="Urgent", order=2)  # fmt: skip
    add_rule([leaf("channel", "eq", "phone")], {"priority_id": 2}, name="Phone", order=3)
    body = admin_api.post(
        "routing/dry-run",
        {"title": "Server down", "company_id": vip.pk, "channel": "email", "working_hours": True},
    ).json()
    assert [m["rule"] for m in body["matches"]] == ["VIP", "Urgent"]
    assert body["set"] == {
        "team_id": team.pk,
        "priority_id": 1,
        "tags": ["vip"],
        "observer_ids": [],
    }
    assert body["matches"][1]["overridden"] == {"team_id": 99}
    assert body["facts"]["working_hours"] is True
    assert body["explanation"][0].startswith("rule 'VIP' in 'Main' matched: company_category eq")


def test_dry_run_refuses_unknown_references(admin_api):
    response = admin_api.post("routing/dry-run", {"title": "x", "company_id": 12345})
    assert response.status_code == 422
    assert "company_id" in response.json()["error"]["fields"]


def test_dry_run_writes_nothing(admin_api, add_rule):
    add_rule([], {"priority_id": Priority.objects.first().pk})
    admin_api.post("routing/dry-run", {"title": "x"})
    from deskline.tickets.models import Ticket

    assert not Ticket.objects.exists()


def test_an_agent_sets_themself_away_and_is_skipped(api_for, make_team, make_ticket, agents):
    team = make_team("round_robin")
    api = api_for(agents[0])
    response = api.post("routing/me/presence", {"is_away": True})
    assert response.status_code == 200 and response.json()["is_away"] is True
    assert agents[0].pk not in {make_ticket(team_id=team.pk).assignee_id for _ in range(4)}
    api.post("routing/me/presence", {"is_away": False})
    assert agents[0].pk in {make_ticket(team_id=team.pk).assignee_id for _ in range(3)}


def test_check_in_validates_coordinates(api_for, agents):
    api = api_for(agents[0])
    bad = api.post("routing/me/check-in", {"latitude": 91, "longitude": 0})
    assert bad.status_code == 422 and set(bad.json()["error"]["fields"]) == {"latitude"}
    ok = api.post("routing/me/check-in", {"latitude": 55.75, "longitude": 37.61}).json()
    assert ok["checkin_latitude"] == 55.75 and ok["checkin_at"] is not None


def test_clients_have_no_presence(api_for):
    from tests.factories import ContactUserFactory

    api = api_for(ContactUserFactory(username="c@x.example"))
    assert api.post("routing/me/presence", {"is_away": True}).status_code == 403
