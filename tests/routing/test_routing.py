"""Routing a new ticket: rules applied in the create transaction, explained in the history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deskline.accounts.models import Skill, TeamMembership
from deskline.routing.models import AgentZone, SkillRequirement
from deskline.routing.services import agent_tickets_redistribute, tags_of
from deskline.sla.models import TicketSla, TicketStatusPeriod
from deskline.tickets.models import Category, Priority, TicketEvent
from deskline.tickets.observers import remove_observer, ticket_observer
from deskline.tickets.payloads import RoutingOutcome
from tests.factories import (
    CompanyCategoryFactory,
    CompanyFactory,
    EquipmentFactory,
    SiteFactory,
    UserFactory,
)
from tests.routing.conftest import leaf, set_profile

pytestmark = pytest.mark.django_db


def routed(ticket) -> RoutingOutcome:
    """What routing decided, as the one `created` event of the ticket records it."""
    outcome = TicketEvent.objects.get(ticket=ticket, kind="created").payload.routing
    assert outcome is not None
    return outcome


def test_a_matching_rule_sets_team_priority_and_tags_and_explains_why(
    make_ticket, make_team, add_rule
):
    team = make_team("manual")
    retail = CompanyFactory(category=CompanyCategoryFactory(code="retail"))
    equipment = EquipmentFactory(site=SiteFactory(company=retail))
    high = Priority.objects.get(code="high")
    add_rule(
        [leaf("company_category", "eq", "retail"), leaf("equipment_kind", "eq", "kkt")],
        {"team_id": team.pk, "priority_id": high.pk, "tags": ["kkt"], "sla_policy_id": 4},
        name="Cash registers, Moscow",
    )
    ticket = make_ticket(equipment_id=equipment.pk)
    assert (ticket.team_id, ticket.priority_id, ticket.priority_weight) == (team.pk, high.pk, 30)
    assert tags_of(ticket) == ["kkt"]
    outcome = routed(ticket)
    assert outcome.explanation == [
        "rule 'Cash registers, Moscow' in 'Main' matched: company_category eq 'retail' "
        "(is 'retail'); equipment_kind eq 'kkt' (is 'kkt')"
    ]
    assert outcome.sla_policy_id == 4
    assert outcome.applied == {"priority_id": high.pk}
    assert list(ticket.events.values_list("kind", flat=True)) == ["created"]


def test_a_rule_that_changes_no_field_does_not_reload_the_ticket(make_ticket, add_rule):
    add_rule([], {"tags": ["seen"]})
    with CaptureQueriesContext(connection) as queries:
        ticket = make_ticket()
    assert tags_of(ticket) == ["seen"]
    reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT "tickets_ticket"')]
    assert reads == []


def test_a_routed_ticket_shows_its_reference_rows_without_queries(
    make_ticket, make_team, add_rule, django_assert_num_queries
):
    team = make_team("manual")
    add_rule([], {"team_id": team.pk})
    ticket = make_ticket()
    with django_assert_num_queries(0):
        shown = (ticket.team.pk, ticket.status.is_initial, ticket.priority.is_default)
    assert shown == (team.pk, True, True)


def test_no_matching_rule_leaves_the_ticket_and_its_history_alone(make_ticket, add_rule):
    add_rule([leaf("channel", "eq", "phone")], {"priority_id": 1})
    ticket = make_ticket(channel="email")
    assert list(ticket.events.values_list("kind", flat=True)) == ["created"]


def test_text_keywords_and_regex_route_by_title_and_description(make_ticket, make_team, add_rule):
    team = make_team("manual")
    add_rule([leaf("text", "regex", r"\bvpn\b")], {"team_id": team.pk})
    assert make_ticket(title="Help", description="VPN is down").team_id == team.pk
    assert make_ticket(title="Printer").team_id is None


def test_working_hours_condition(make_ticket, make_team, add_rule, monkeypatch):
    team = make_team("manual")
    add_rule([leaf("working_hours", "eq", False)], {"team_id": team.pk})
    saturday = dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)
    monkeypatch.setattr("deskline.tickets.facts.timezone.now", lambda: saturday)
    assert make_ticket().team_id == team.pk


def test_in_transaction_observers_see_the_routed_priority(make_ticket, add_rule):
    seen = []
    ticket_observer("test.after-routing")(
        lambda event: seen.append(event.ticket.priority.code) if event.kind == "created" else None
    )
    try:
        add_rule([], {"priority_id": Priority.objects.get(code="critical").pk})
        make_ticket()
    finally:
        remove_observer("test.after-routing")
    assert seen == ["critical"]


def test_a_routed_ticket_starts_one_sla_on_the_routed_priority(make_ticket, add_rule):
    critical = Priority.objects.get(code="critical")
    rule = add_rule([], {"priority_id": critical.pk})
    routed_ticket = make_ticket()
    rule.delete()
    direct = make_ticket(priority_id=critical.pk)
    assert TicketSla.objects.filter(ticket=routed_ticket).count() == 1
    assert TicketStatusPeriod.objects.filter(ticket=routed_ticket).count() == 1
    gap = abs(routed_ticket.resolution_due - direct.resolution_due)
    assert gap < dt.timedelta(minutes=1)


def test_an_action_that_does_not_fit_is_skipped_not_fatal(make_ticket, make_team, add_rule):
    team = make_team("manual", members=[])
    outsider = UserFactory(username="outsider")
    add_rule([], {"team_id": team.pk, "assignee_id": outsider.pk, "category_id": 999})
    ticket = make_ticket()
    outcome = routed(ticket)
    assert "category_id" in outcome.skipped
    assert "skipped" in outcome.assignment
    assert ticket.assignee_id is None


def test_observers_are_added(make_ticket, add_rule, agents):
    add_rule([], {"observer_ids": [agents[0].pk, agents[1].pk]})
    ticket = make_ticket()
    assert set(ticket.observers.values_list("pk", flat=True)) == {agents[0].pk, agents[1].pk}


def test_the_creators_team_wins_and_its_strategy_assigns(make_ticket, make_team, add_rule):
    mine, other = make_team("round_robin"), make_team("manual")
    add_rule([], {"team_id": other.pk})
    ticket = make_ticket(team_id=mine.pk)
    assert ticket.team_id == mine.pk and ticket.assignee_id is not None


def test_round_robin_assigns_in_turn(make_ticket, make_team, agents):
    team = make_team("round_robin")
    got = [make_ticket(team_id=team.pk).assignee_id for _ in range(6)]
    assert got == [a.pk for a in agents] * 2


def test_round_robin_skips_a_member_at_capacity(make_ticket, make_team, agents):
    team = make_team("round_robin")
    make_ticket(team_id=team.pk, assignee_id=agents[1].pk)
    set_profile(agents[1], capacity=1)
    got = [make_ticket(team_id=team.pk).assignee_id for _ in range(4)]
    assert got == [agents[0].pk, agents[2].pk, agents[0].pk, agents[2].pk]


def test_round_robin_counts_open_tickets_only_of_members_with_a_capacity(
    make_ticket, make_team, agents
):
    team = make_team("round_robin")
    set_profile(agents[1], capacity=5)
    with CaptureQueriesContext(connection) as queries:
        make_ticket(team_id=team.pk)
    loads = [q["sql"] for q in queries if "SUM(" in q["sql"]]
    assert len(loads) == 1 and f"IN ({agents[1].pk})" in loads[0]


def test_away_and_on_leave_agents_are_skipped(make_ticket, make_team, agents):
    team = make_team("round_robin")
    set_profile(agents[0], is_away=True)
    set_profile(agents[1], away_until=timezone.now() + dt.timedelta(days=3))
    assert {make_ticket(team_id=team.pk).assignee_id for _ in range(3)} == {agents[2].pk}


def test_least_loaded_counts_open_tickets_by_priority(make_ticket, make_team, agents, admin):
    team = make_team("least_loaded")
    critical = Priority.objects.get(code="critical")
    make_ticket(team_id=team.pk, assignee_id=agents[0].pk, priority_id=critical.pk)
    low = Priority.objects.get(code="low")
    make_ticket(team_id=team.pk, assignee_id=agents[1].pk)
    make_ticket(team_id=team.pk, assignee_id=agents[1].pk, priority_id=low.pk)
    set_profile(agents[2], capacity=0)
    assert make_ticket(team_id=team.pk).assignee_id == agents[1].pk  # 20 + 10 < 40


def test_by_skill_uses_the_category_requirement(make_ticket, make_team, agents):
    team = make_team("by_skill")
    skill = Skill.objects.create(code="1c", name="1C")
    category = Category.objects.create(name="Accounting")
    SkillRequirement.objects.create(skill=skill, category=category)
    TeamMembership.objects.get(team=team, user=agents[2]).skills.add(skill)
    assert make_ticket(team_id=team.pk, category_id=category.pk).assignee_id == agents[2].pk


def test_nearest_engineer_by_last_check_in(make_ticket, make_team, agents):
    team = make_team("nearest")
    set_profile(agents[0], base_latitude=59.93, base_longitude=30.33)  # Saint Petersburg
    set_profile(agents[1], base_latitude=59.93, base_longitude=30.33,
                checkin_latitude=55.75, checkin_longitude=37.61)  # fmt: skip
    site = SiteFactory(latitude="55.7558", longitude="37.6173")  # Moscow
    assert make_ticket(team_id=team.pk, site_id=site.pk).assignee_id == agents[1].pk


def test_responsibility_zone_owner_gets_the_company(make_ticket, make_team, agents):
    team = make_team("zones")
    company = CompanyFactory()
    AgentZone.objects.create(user=agents[1], zone=f"company:{company.pk}")
    assert make_ticket(team_id=team.pk, company_id=company.pk).assignee_id == agents[1].pk


def test_a_leaving_agents_tickets_are_redistributed(make_ticket, make_team, agents, admin):
    team = make_team("least_loaded")
    tickets = [make_ticket(team_id=team.pk, assignee_id=agents[0].pk) for _ in range(4)]
    set_profile(agents[0], is_away=True)
    moved = agent_tickets_redistribute(actor=admin, user_id=agents[0].pk)
    assert set(moved) == {t.number for t in tickets}
    assert sorted(moved.values()) == sorted([agents[1].pk, agents[2].pk] * 2)


def test_rule_changes_take_effect_on_the_next_ticket(make_ticket, add_rule, admin):
    from deskline.routing.rules import rule_delete, rule_update

    high, low = Priority.objects.get(code="high"), Priority.objects.get(code="low")
    rule = add_rule([], {"priority_id": high.pk})
    assert make_ticket().priority == high
    rule_update(actor=admin, rule_id=rule.pk, changes={"actions": {"priority_id": low.pk}})
    assert make_ticket().priority == low
    rule_delete(actor=admin, rule_id=rule.pk)
    assert make_ticket().priority.code == "normal"


def _create_queries(make_ticket, team) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        make_ticket(title="cash register", team_id=team.pk)
    return len(captured.captured_queries)


def test_routing_costs_the_same_queries_for_few_and_many_rules_and_agents(
    make_ticket, make_team, add_rule, agents
):
    team = make_team("least_loaded")
    for i in range(3):
        add_rule([leaf("title", "contains", f"word{i}")], {"tags": [f"t{i}"]}, order=i)
    add_rule([leaf("title", "contains", "cash")], {"tags": ["cash"]}, order=99)
    make_ticket(team_id=team.pk)  # warm the system user and the rule cache
    few = _create_queries(make_ticket, team)
    for i in range(3, 60):
        add_rule([leaf("title", "contains", f"word{i}")], {"tags": [f"t{i}"]}, order=i)
    for i in range(20):
        TeamMembership.objects.create(team=team, user=UserFactory(username=f"more{i}"))
    make_ticket(team_id=team.pk)  # reload the changed rules once
    assert _create_queries(make_ticket, team) == few
