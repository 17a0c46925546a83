"""The periodic SLA job: each step fires once per ticket, in working hours, with its actions."""

from __future__ import annotations

import pytest

from deskline.sla.escalation import sla_escalate
from deskline.sla.models import Calendar, EscalationFiring, EscalationStep, UserCalendar
from deskline.tickets.models import Ticket, TicketEvent
from deskline.tickets.services import ticket_change_status
from tests.factories import CompanyFactory, TeamFactory, UserFactory
from tests.sla.conftest import msk, priority, status

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", role="supervisor")


@pytest.fixture
def ticket(make_ticket, manager, clock):
    return make_ticket(company_id=CompanyFactory(manager=manager).pk)  # due Fri 20 10:00


def warnings(ticket) -> list[dict]:
    return [e.payload.model_dump() for e in TicketEvent.objects.filter(ticket=ticket, kind="sla")]


def test_the_default_step_warns_the_manager_24_working_hours_before(ticket, manager, clock):
    clock.set(msk(17, 12, 59))
    sla_escalate()
    assert warnings(ticket) == []
    clock.set(msk(17, 13))  # Tue 13:00 -> Fri 10:00 is exactly 1440 working minutes
    sla_escalate()
    [data] = warnings(ticket)
    assert (data["recipients"], data["deadline"]) == ([manager.pk], "resolution")


def test_a_step_fires_once_however_often_the_job_runs(ticket, clock):
    clock.set(msk(18, 12))
    for _ in range(3):
        sla_escalate()
    assert len(warnings(ticket)) == 1
    assert EscalationFiring.objects.filter(ticket=ticket).count() == 1


def test_no_warning_reaches_a_manager_outside_their_working_hours(ticket, manager, clock):
    UserCalendar.objects.create(user=manager, calendar=Calendar.objects.get(is_default=True))
    clock.set(msk(18, 20))  # Wednesday evening
    sla_escalate()
    assert warnings(ticket) == []
    clock.set(msk(19, 9, 5))
    sla_escalate()
    assert len(warnings(ticket)) == 1


def test_an_any_time_step_notifies_at_night(ticket, manager, clock, standard):
    standard.steps.update(any_time=True)
    clock.set(msk(18, 23))
    sla_escalate()
    assert len(warnings(ticket)) == 1


def test_a_paused_ticket_is_not_escalated(ticket, admin, clock):
    clock.set(msk(16, 11))
    ticket_change_status(
        actor=admin, number=ticket.number, status_id=status("waiting_client").pk, comment="?"
    )
    clock.set(msk(18, 12))
    sla_escalate()
    assert warnings(ticket) == []


def test_the_breach_step_raises_the_priority_and_reassigns(ticket, clock, standard):
    team = TeamFactory(name="Second line", line=2)
    EscalationStep.objects.create(
        policy=standard, name="Breached", trigger="breach", raise_priority=True, reassign_team=team
    )
    clock.set(msk(20, 10, 1))
    sla_escalate()
    sla_escalate()
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.priority.code, stored.team_id, stored.resolution_breached) == (
        "high",
        team.pk,
        True,
    )
    assert TicketEvent.objects.filter(ticket=ticket, kind="updated").count() == 1


def test_an_elapsed_share_step_notifies_the_assignee(make_ticket, agent, clock, standard):
    team = TeamFactory(members=[agent])
    ticket = make_ticket(team_id=team.pk, assignee_id=agent.pk, priority_id=priority("critical").pk)
    EscalationStep.objects.create(
        policy=standard,
        name="Half",
        deadline="reaction",
        trigger="elapsed",
        value=50,
        notify_assignee=True,
        any_time=True,
    )
    clock.set(msk(16, 10, 14))
    sla_escalate()
    assert warnings(ticket) == []
    clock.set(msk(16, 10, 15))
    sla_escalate()
    assert [w["recipients"] for w in warnings(ticket)] == [[agent.pk]]


def test_overdue_running_tickets_are_flagged(ticket, clock):
    clock.set(msk(16, 14, 1))
    sla_escalate()
    assert Ticket.objects.get(pk=ticket.pk).reaction_breached is True
