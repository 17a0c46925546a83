"""The desk's "Angry clients" view: open tickets whose client's latest message was scored angry,
in the list's usual order, with its count among the tabs."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from deskline.accounts.models import Team, User
from deskline.tickets.models import Status, Ticket
from deskline.tickets.saved_views import view_counts
from deskline.triage.models import MessageTone

pytestmark = pytest.mark.django_db


def _numbers_in_order(response: Any) -> list[int]:
    return [int(n) for n in re.findall(r'id="t-(\d+)"', response.content.decode())]


def _tone(ticket: Ticket, *, angry: float, minutes_ago: int) -> None:
    MessageTone.objects.create(
        ticket=ticket, tone="negative" if angry >= 0.5 else "neutral", confidence=0.9,
        angry=angry, urgent=0.0, created_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )  # fmt: skip


def _updated(ticket: Ticket, minutes_ago: int) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )


def test_the_view_lists_open_tickets_whose_latest_message_is_angry_most_recent_first(
    agent_client: Client, make_ticket: Any
) -> None:
    older, newer, calmed, resolved, quiet = (
        make_ticket(title=t) for t in ("older", "newer", "calmed", "resolved", "quiet")
    )
    for ticket in (older, newer, calmed, resolved):
        _tone(ticket, angry=0.9, minutes_ago=30)
    _tone(calmed, angry=0.1, minutes_ago=5)  # a calm reply after the angry one
    Ticket.objects.filter(pk=resolved.pk).update(
        status=Status.objects.filter(phase="resolved").first(), phase="resolved"
    )
    _updated(older, 20)
    _updated(newer, 10)
    assert _numbers_in_order(agent_client.get("/?view=angry")) == [newer.number, older.number]
    assert quiet.number in _numbers_in_order(agent_client.get("/?view=open"))


def test_the_tab_shows_its_count(agent_client: Client, make_ticket: Any) -> None:
    for title in ("one", "two"):
        _tone(make_ticket(title=title), angry=0.8, minutes_ago=1)
    make_ticket(title="calm")
    body = agent_client.get("/").content.decode()
    tab = re.search(r'<a href="\?view=angry"[^>]*>(.*?)</a>', body, re.S)
    assert tab is not None
    assert "Angry clients" in tab.group(1) and '<span class="count">2</span>' in tab.group(1)


def test_the_tab_reads_in_russian(agent: User, agent_client: Client) -> None:
    agent.language = "ru"
    agent.save(update_fields=["language"])
    assert "Раздражённые клиенты" in agent_client.get("/").content.decode()


def test_the_view_keeps_to_the_agents_visible_tickets(
    agent: User, agent_client: Client, make_ticket: Any, team: Team
) -> None:
    from tests.factories import TeamFactory

    own = make_ticket(title="own", team_id=team.pk)
    foreign = make_ticket(title="foreign", team_id=TeamFactory().pk)
    for ticket in (own, foreign):
        _tone(ticket, angry=0.9, minutes_ago=1)
    assert _numbers_in_order(agent_client.get("/?view=angry")) == [own.number]
    counts = {c.view: c.count for c in view_counts(user=agent, views=("angry",))}
    assert counts == {"angry": 1}
