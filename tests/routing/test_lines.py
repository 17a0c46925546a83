"""Lines of support: escalating up and down with a reason; contractors see only their tickets."""

from __future__ import annotations

import pytest

from deskline.accounts.models import Role
from deskline.core.errors import NotFound, ValidationFailed
from deskline.routing.services import line_escalate
from deskline.tickets.models import TicketEvent
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(make_team, agents):
    first = make_team("manual", members=[agents[0]], line=1, name="L1")
    second = make_team("round_robin", members=[agents[1], agents[2]], line=2, name="L2")
    third = make_team("manual", members=[], line=3, name="L3")
    return first, second, third


def test_escalating_up_moves_to_the_next_line_and_records_the_reason(make_ticket, lines, agents):
    first, second, _ = lines
    ticket = make_ticket(team_id=first.pk, assignee_id=agents[0].pk)
    ticket = line_escalate(
        actor=agents[0], number=ticket.number, direction="up", reason="needs a DBA"
    )
    assert ticket.team_id == second.pk and ticket.assignee_id == agents[1].pk
    event = TicketEvent.objects.get(ticket=ticket, kind="escalated")
    assert event.actor == agents[0]
    assert event.changes == {"team_id": [first.pk, second.pk], "line": [1, 2]}
    assert (event.payload.reason, event.payload.direction) == ("needs a DBA", "up")
    assert list(ticket.events.values_list("kind", flat=True)) == ["created", "escalated"]


def test_escalating_down_returns_to_the_previous_line(make_ticket, lines, admin):
    first, second, _ = lines
    ticket = make_ticket(team_id=second.pk)
    ticket = line_escalate(actor=admin, number=ticket.number, direction="down",
                                  reason="first line can do it")  # fmt: skip
    assert ticket.team_id == first.pk and ticket.assignee_id is None  # manual team


@pytest.mark.parametrize(
    ("line", "direction", "reason", "field"),
    [(3, "up", "x", "direction"), (1, "down", "x", "direction"), (1, "sideways", "x", "direction"),
     (1, "up", "  ", "reason")],
)  # fmt: skip
def test_impossible_escalations_are_refused(
    make_ticket, lines, admin, line, direction, reason, field
):
    ticket = make_ticket(team_id=lines[line - 1].pk)
    with pytest.raises(ValidationFailed) as exc:
        line_escalate(actor=admin, number=ticket.number, direction=direction, reason=reason)
    assert field in exc.value.fields


def test_escalation_via_the_api(admin_api, make_ticket, lines):
    ticket = make_ticket(team_id=lines[0].pk)
    response = admin_api.post(
        f"routing/tickets/{ticket.number}/escalate", {"direction": "up", "reason": "hardware"}
    )
    assert response.status_code == 200
    assert response.json()["team_id"] == lines[1].pk
    bad = admin_api.post(
        f"routing/tickets/{ticket.number}/escalate", {"direction": "up", "reason": ""}
    )
    assert bad.status_code == 422 and "reason" in bad.json()["error"]["fields"]


def test_an_agent_cannot_escalate_a_ticket_they_cannot_see(make_ticket, lines):
    contractor = UserFactory(username="outside", role=Role.CONTRACTOR)
    ticket = make_ticket(team_id=lines[0].pk)
    with pytest.raises(NotFound):
        line_escalate(actor=contractor, number=ticket.number, direction="up", reason="x")


def test_a_contractor_sees_only_their_teams_tickets_through_the_api(api_for, make_ticket):
    contractor = UserFactory(username="contractor", role=Role.CONTRACTOR)
    contractors = TeamFactory(name="Contractor Ltd", is_contractor=True, members=[contractor])
    theirs = make_ticket(team_id=contractors.pk)
    others = [make_ticket(), make_ticket(team_id=TeamFactory().pk)]
    api = api_for(contractor)
    listed = api.get("tickets", {"limit": 100}).json()["items"]
    assert [t["number"] for t in listed] == [theirs.number]
    for ticket in others:
        assert api.get(f"tickets/{ticket.number}").status_code == 404
    assert api.get(f"tickets/{theirs.number}").status_code == 200
