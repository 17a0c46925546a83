"""SLA warnings reach the people the escalation step names, fed by the real producer.

Each test lets the SLA job (`escalate`) warn about a real ticket's deadline, then runs the
notification reaction on that event: nothing here builds an event payload by hand.
"""

from __future__ import annotations

import datetime as dt

import pytest

from deskline.accounts.models import Role
from deskline.notifications.models import Outbox
from deskline.sla.escalation import sla_escalate
from deskline.sla.models import EscalationStep, SlaPolicy
from deskline.tickets.models import Ticket
from deskline.tickets.services import ticket_create, ticket_update
from tests.factories import ContactFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def step(db) -> EscalationStep:
    """One step of the default policy, 60 working minutes before the resolution deadline, with
    no recipients yet (each test names its own); the seeded steps are switched off."""
    policy = SlaPolicy.objects.get(is_default=True)
    policy.steps.update(is_active=False)
    # Round the clock: "30 minutes left" must not depend on the hour the suite runs at (on the
    # business calendar a warning before 09:00 counted only the working minutes left).
    calendar = policy.calendar
    calendar.always = True
    calendar.save()
    return EscalationStep.objects.create(
        policy=policy, name="Soon due", deadline="resolution", trigger="before", value=60,
        any_time=True,
    )  # fmt: skip


@pytest.fixture
def people(db) -> dict[str, object]:
    names = ("assignee", "lead", "manager", "watcher", "bystander")
    users = {n: UserFactory(username=n, email=f"{n}@desk.example", role=Role.AGENT) for n in names}
    team = TeamFactory(lead=users["lead"])
    team.members.add(users["assignee"])
    contact = ContactFactory()
    contact.company.manager = users["manager"]
    contact.company.save()
    return {**users, "team": team, "contact": contact}


def _warned(people: dict[str, object], jobs, admin) -> list[str]:
    ticket = ticket_create(
        actor=None,
        title="Lift stuck",
        contact_id=people["contact"].pk,  # type: ignore[attr-defined]
        team_id=people["team"].pk,  # type: ignore[attr-defined]
        assignee_id=people["assignee"].pk,  # type: ignore[attr-defined]
    )
    ticket_update(
        actor=admin,
        number=ticket.number,
        changes={"observer_ids": [people["watcher"].pk]},  # type: ignore[attr-defined]
    )
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.resolution_due is not None
    sla_escalate(ticket.resolution_due - dt.timedelta(minutes=30))
    jobs()
    rows = Outbox.objects.filter(event="sla_warning", ticket=ticket).order_by("recipient")
    return [row.recipient.split("@")[0] for row in rows]


@pytest.mark.parametrize(
    "flag, who",
    [
        ("notify_assignee", "assignee"),
        ("notify_team_lead", "lead"),
        ("notify_manager", "manager"),
        ("notify_observers", "watcher"),
    ],
)
def test_a_step_warns_exactly_the_people_it_names(step, people, jobs, admin, flag, who):
    setattr(step, flag, True)
    step.save()
    assert _warned(people, jobs, admin) == [who]


def test_the_warning_says_which_deadline_and_how_long_is_left(step, people, jobs, admin):
    step.notify_assignee = True
    step.save()
    _warned(people, jobs, admin)
    body = Outbox.objects.get(event="sla_warning").body
    assert "resolution" in body and "30 minutes left" in body


def test_a_deadline_set_by_hand_warns_nobody(step, people, jobs, admin):
    from deskline.sla.services import deadline_override

    ticket = ticket_create(actor=None, title="Printer", contact_id=people["contact"].pk)  # type: ignore[attr-defined]
    due = ticket.created_at + dt.timedelta(days=3)
    deadline_override(actor=admin, number=ticket.number, deadline="resolution", due=due,
                      reason="parts on order")  # fmt: skip
    jobs()
    assert not Outbox.objects.filter(event="sla_warning").exists()
