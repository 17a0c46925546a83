"""Breach-risk warnings name the staffing gap when the ticket's team is short of agents before
the deadline (forecast arrivals against the agents on shift, Erlang C, by the analytics app):
in the warning event, in the manager's mail (their language and time zone) and on the desk."""

from __future__ import annotations

import datetime as dt

import pytest

from deskline.analytics.models import DailyTeamStats
from deskline.notifications.models import Outbox
from deskline.sla.models import TicketSla
from deskline.sla.prediction import risk_update
from deskline.tickets.models import TicketEvent
from tests.factories import CompanyFactory, TeamFactory, UserFactory
from tests.sla.conftest import msk

pytestmark = pytest.mark.django_db


def _history(make_ticket, team_id: int) -> None:
    """40 past tickets that took longer than the target (the risk model says "will breach")."""
    for _ in range(40):
        done = make_ticket(title="Past", team_id=team_id)
        TicketSla.objects.filter(ticket=done).update(active_minutes=3000)
        type(done).objects.filter(pk=done.pk).update(phase="closed", resolved_at=msk(16, 9))


def _arrivals(team_id: int, per_day: int) -> None:
    """Eight weeks of daily arrivals for the team in the aggregates the forecast reads."""
    for i in range(1, 8 * 7 + 1):
        DailyTeamStats.objects.create(
            day=dt.date(2026, 3, 16) - dt.timedelta(days=i), team_id=team_id, created=per_day
        )


@pytest.fixture
def warned(make_ticket, clock, dispatch):
    """A one-person team that gets 400 tickets a day, and a ticket of it at risk; the company's
    manager reads Russian in Yekaterinburg (UTC+5)."""
    team = TeamFactory(name="Первая линия", members=[UserFactory(username="solo")])
    _history(make_ticket, team.pk)
    _arrivals(team.pk, per_day=400)
    manager = UserFactory(username="boss", role="supervisor", language="ru",
                          time_zone="Asia/Yekaterinburg", email="boss@example.com")  # fmt: skip
    ticket = make_ticket(company_id=CompanyFactory(manager=manager).pk, team_id=team.pk)
    clock.set(msk(16, 11))
    risk_update()
    dispatch()
    [event] = TicketEvent.objects.filter(ticket=ticket, kind="sla")
    return {"ticket": ticket, "event": event, "team": team, "manager": manager}


def test_the_warning_carries_the_teams_staffing_gap(warned):
    payload = warned["event"].payload
    assert payload.source == "breach_risk" and payload.staffing_team == "Первая линия"
    assert payload.staffing_missing > 1
    assert payload.staffing_start <= msk(16, 11) < payload.staffing_end


def test_the_managers_mail_says_how_many_to_add_in_their_language_and_zone(warned):
    payload = warned["event"].payload
    start = payload.staffing_start.astimezone(dt.timezone(dt.timedelta(hours=5)))
    [mail] = Outbox.objects.filter(event="sla_warning", recipient="boss@example.com")
    assert "В команде не хватает людей: добавьте в команду Первая линия ещё " in mail.body
    assert f"чел. с {start:%H:%M} до " in mail.body


def test_the_desk_shows_the_gap_on_the_ticket_to_staff(warned, client):
    client.force_login(warned["manager"])
    page = client.get(f"/tickets/{warned['ticket'].number}/").content.decode()
    assert "В команде не хватает людей" in page and "ещё" in page


def test_a_team_with_enough_people_gets_a_plain_warning(make_ticket, clock, dispatch):
    team = TeamFactory(members=[UserFactory(username=f"a{i}") for i in range(30)])
    _history(make_ticket, team.pk)
    _arrivals(team.pk, per_day=20)
    manager = UserFactory(username="boss", role="supervisor")
    ticket = make_ticket(company_id=CompanyFactory(manager=manager).pk, team_id=team.pk)
    clock.set(msk(16, 11))
    risk_update()
    [event] = TicketEvent.objects.filter(ticket=ticket, kind="sla")
    assert event.payload.staffing_missing == 0 and event.payload.staffing_team == ""
