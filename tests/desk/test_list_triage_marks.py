"""Triage's badges in the desk ticket list: the latest tone and a probable duplicate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deskline.accounts.models import Team, User
from deskline.tickets.models import Ticket
from deskline.triage.marks import ticket_marks
from deskline.triage.models import DuplicateFlag, MessageTone

pytestmark = pytest.mark.django_db


def _tone(ticket: Ticket, tone: str, *, angry: float = 0.0, minutes: int = 0) -> None:
    MessageTone.objects.create(
        ticket=ticket, tone=tone, confidence=0.9, angry=angry, urgent=0.0,
        created_at=timezone.now() + timezone.timedelta(minutes=minutes),
    )  # fmt: skip


def _row(body: str, number: int) -> str:
    start = body.index(f'id="t-{number}"')
    return body[start : body.index("</tr>", start)]


def test_a_row_shows_the_tone_of_the_latest_inbound_message(
    agent_client: Client, tickets: Callable[..., list[Ticket]], team: Team
) -> None:
    ticket = tickets(1, team_id=team.pk)[0]
    _tone(ticket, "neutral")
    _tone(ticket, "negative", angry=0.8, minutes=5)
    row = _row(agent_client.get("/?view=all").content.decode(), ticket.number)
    assert 'class="badge tone-badge tone-angry"' in row


def test_a_neutral_ticket_has_no_tone_badge(
    agent_client: Client, tickets: Callable[..., list[Ticket]], team: Team
) -> None:
    ticket = tickets(1, team_id=team.pk)[0]
    _tone(ticket, "neutral")
    assert "tone-badge" not in _row(agent_client.get("/?view=all").content.decode(), ticket.number)


def test_a_probable_duplicate_links_to_the_open_ticket_it_repeats(
    agent_client: Client, tickets: Callable[..., list[Ticket]], team: Team
) -> None:
    first, second = tickets(2, team_id=team.pk)
    DuplicateFlag.objects.create(
        ticket=second, of_ticket=first, similarity=0.8, created_at=timezone.now()
    )
    row = _row(agent_client.get("/?view=all").content.decode(), second.number)
    assert f'class="badge badge-note dup-badge" href="/tickets/{first.number}/"' in row


def test_the_badges_cost_the_same_queries_for_5_and_40_marked_rows(
    agent_client: Client, tickets: Callable[..., list[Ticket]], agent: User, team: Team
) -> None:
    def marked(n: int) -> list[Any]:
        made = tickets(n, team_id=team.pk, assignee_id=agent.pk)
        for ticket in made:
            _tone(ticket, "negative", angry=0.9)
        DuplicateFlag.objects.create(
            ticket=made[-1], of_ticket=made[0], similarity=0.9, created_at=timezone.now()
        )
        return made

    marked(5)
    agent_client.get("/?view=all")  # the first page loads the cached reference rows
    with CaptureQueriesContext(connection) as few:
        agent_client.get("/?view=all")
    marked(35)
    with CaptureQueriesContext(connection) as many:
        body = agent_client.get("/?view=all").content.decode()
    assert body.count("tone-angry") == 40
    assert len(many) == len(few)


def test_the_marks_of_a_page_are_one_query(
    tickets: Callable[..., list[Ticket]], team: Team, django_assert_num_queries: Any
) -> None:
    made = tickets(3, team_id=team.pk)
    for ticket in made:
        _tone(ticket, "positive")
    with django_assert_num_queries(1):
        marks = ticket_marks(t.pk for t in made)
    assert {m.badge for m in marks.values()} == {"positive"}
