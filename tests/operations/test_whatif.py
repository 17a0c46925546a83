"""The routing what-if predicts exactly what applying the proposed rules then does."""

from __future__ import annotations

from typing import Any

import pytest

from deskline.core import refcache
from deskline.core.errors import PermissionDenied, ValidationFailed
from deskline.operations.whatif import routing_what_if
from deskline.routing.models import Rule, RuleSet, TeamRouting
from deskline.routing.rules import rule_create, rule_update
from deskline.tickets.models import Priority
from deskline.tickets.services import ticket_create
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

TITLES = ["Lift stuck on floor 3", "Lift doors noisy", "Printer jams", "Printer out of toner",
          "Fridge warm"]  # fmt: skip


def _title_contains(word: str) -> list[dict[str, Any]]:
    return [{"field": "title", "op": "contains", "value": word}]


@pytest.fixture
def teams() -> tuple[Any, Any]:
    first, second = TeamFactory(name="Lifts A"), TeamFactory(name="Lifts B")
    for team in (first, second):
        TeamRouting.objects.create(team=team, strategy="manual")
    return first, second


def test_what_if_reports_the_changes_that_applying_the_rules_then_makes(
    admin: Any, teams: tuple[Any, Any]
) -> None:
    first, second = teams
    high = Priority.objects.get(code="high")
    rule_set = RuleSet.objects.create(name="Main", mode="first_match")
    lift = rule_create(actor=admin, rule_set_id=rule_set.pk, name="lifts",
                       conditions=_title_contains("lift"), actions={"team_id": first.pk})  # fmt: skip
    for title in TITLES:
        ticket_create(actor=admin, title=title)
    proposed = [{"name": "Main", "mode": "first_match", "rules": [
        {"name": "lifts", "conditions": _title_contains("lift"), "actions": {"team_id": second.pk}},
        {"name": "printers", "conditions": _title_contains("printer"),
         "actions": {"priority_id": high.pk}},
    ]}]  # fmt: skip

    report = routing_what_if(actor=admin, rule_sets=proposed, days=1)

    predicted = {
        example["title"]: example["after"]
        for rule in report["rules"]
        for example in rule["examples"]
    }
    assert report["tickets"] == 5 and report["changed"] == 4
    assert {r["rule"]: r["tickets"] for r in report["rules"]} == {
        "Main / lifts": 2, "Main / printers": 2,
    }  # fmt: skip
    rule_update(actor=admin, rule_id=lift.pk, changes={"actions": {"team_id": second.pk}})
    rule_create(actor=admin, rule_set_id=rule_set.pk, name="printers", order=1,
                conditions=_title_contains("printer"), actions={"priority_id": high.pk})  # fmt: skip
    refcache.clear()
    for title in TITLES:
        ticket = ticket_create(actor=admin, title=title)
        actual = {"team_id": ticket.team_id, "priority_id": ticket.priority_id}
        for field, value in predicted.get(title, {}).items():
            assert actual[field] == value, (title, field)
        if title not in predicted:  # unchanged by the proposal: as the current rules route it
            assert ticket.team_id is None and ticket.priority.is_default
    assert Rule.objects.count() == 2


def test_what_if_writes_nothing(admin: Any, teams: tuple[Any, Any]) -> None:
    ticket_create(actor=admin, title="Lift stuck")
    before = (RuleSet.objects.count(), Rule.objects.count())
    routing_what_if(actor=admin, rule_sets=[{"name": "x", "rules": [
        {"name": "all", "conditions": [], "actions": {"team_id": teams[0].pk}}]}], days=1)  # fmt: skip
    assert (RuleSet.objects.count(), Rule.objects.count()) == before


def test_an_invalid_proposed_rule_is_a_422_naming_its_place(admin: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        routing_what_if(actor=admin, rule_sets=[{"name": "x", "rules": [
            {"name": "bad", "conditions": [{"field": "title", "op": "nope", "value": 1}]}]}])  # fmt: skip
    assert any(key.startswith("rule_sets.0.rules.0.conditions") for key in caught.value.fields)


def test_only_admins_run_a_what_if(agent: Any) -> None:
    with pytest.raises(PermissionDenied):
        routing_what_if(actor=agent, rule_sets=[])


def test_the_api_answers_the_report(admin_api: Any) -> None:
    response = admin_api.post("config/what-if", {"days": 7, "rule_sets": []})
    assert response.status_code == 200
    assert response.json()["changed"] == 0


def test_the_admin_page_shows_the_rules_in_force_and_a_report(client: Any, admin: Any) -> None:
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    RuleSet.objects.create(name="Main", mode="first_match")
    page = client.get("/admin/operations/routingwhatif/")
    assert page.status_code == 200 and b"&quot;Main&quot;" in page.content
    result = client.post("/admin/operations/routingwhatif/", {"days": "7", "rule_sets": "[]"})
    assert result.status_code == 200 and b"would change" in result.content
    bad = client.post("/admin/operations/routingwhatif/", {"days": "7", "rule_sets": "{"})
    assert b"not valid JSON" in bad.content
