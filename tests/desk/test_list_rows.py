"""The desk list's row cells, formatted once per row in Python (desk/rows.py)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.utils import timezone

from deskline.accounts.models import Team, User
from deskline.desk.rows import attach_row_cells
from deskline.tickets.models import Ticket
from deskline.tickets.selectors import list_rows

pytestmark = pytest.mark.django_db

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")


def _row(pk: int) -> Ticket:
    (row,) = list_rows(Ticket.objects.filter(pk=pk))
    return row


def test_an_unrouted_ticket_with_no_deadline_shows_dashes_and_unassigned(
    make_ticket: Any,
) -> None:
    row = _row(make_ticket().pk)
    Ticket.objects.filter(pk=row.pk).update(resolution_due=None)
    row = _row(row.pk)
    attach_row_cells([row])
    cells = row.cells  # type: ignore[attr-defined]
    assert (cells.team, cells.assignee, cells.sla_left, cells.due) == ("—", "unassigned", "—", "")


def test_times_are_shown_in_the_viewers_zone(make_ticket: Any, team: Team, agent: User) -> None:
    ticket = make_ticket(team_id=team.pk, assignee_id=agent.pk)
    moment = dt.datetime(2026, 12, 4, 21, 30, tzinfo=dt.UTC)
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=moment, resolution_due=moment)
    row = _row(ticket.pk)
    with timezone.override(MOSCOW):
        attach_row_cells([row], now=moment - dt.timedelta(hours=2))
    cells = row.cells  # type: ignore[attr-defined]
    assert cells.updated == "05.12 00:30"
    assert cells.updated_iso == "2026-12-05T00:30:00+03:00"
    assert cells.due == "05.12.2026 00:30"
    assert (cells.team, cells.sla_class, cells.sla_left) == ("First line", "sla-warn", "2h 0m left")
