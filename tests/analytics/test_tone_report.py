"""The tone report: per period, the tickets whose clients wrote negatively, angrily, urgently."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from deskline.accounts.models import Team
from deskline.tickets.models import Ticket
from deskline.triage.models import MessageTone

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 11, 16, 10, tzinfo=dt.UTC)
PERIOD = {"start": "2026-11-16", "end": "2026-11-29", "grain": "week"}


def _tone(ticket: Ticket, tone: str, at: dt.datetime, *, angry: float = 0.0) -> None:
    MessageTone.objects.create(ticket=ticket, tone=tone, confidence=0.9, angry=angry, urgent=0.0,
                               created_at=at)  # fmt: skip


def test_each_week_counts_tickets_with_a_negative_message_and_their_share(
    admin: Any, make_ticket: Any, api_for: Any
) -> None:
    calm, upset, furious = (make_ticket(title=t) for t in ("Calm", "Upset", "Furious"))
    _tone(calm, "neutral", MONDAY)
    _tone(upset, "neutral", MONDAY)
    _tone(upset, "negative", MONDAY + dt.timedelta(days=2))  # one ticket, counted once
    _tone(upset, "negative", MONDAY + dt.timedelta(days=3))
    _tone(furious, "negative", MONDAY + dt.timedelta(days=7), angry=0.9)
    rows = api_for(admin).get("reports/tone", PERIOD).json()["rows"]
    assert [(r["period"], r["tickets"], r["negative"], r["negative_pct"], r["angry"])
            for r in rows] == [("2026-11-16", 2, 1, 50.0, 0), ("2026-11-23", 1, 1, 100.0, 1)]  # fmt: skip
    assert rows[0]["messages"] == 4


def test_the_report_filters_by_the_tickets_team(admin: Any, make_ticket: Any, api_for: Any) -> None:
    first, second = Team.objects.create(name="First"), Team.objects.create(name="Second")
    _tone(make_ticket(title="A", team_id=first.pk), "negative", MONDAY)
    _tone(make_ticket(title="B", team_id=second.pk), "neutral", MONDAY)
    rows = api_for(admin).get("reports/tone", {**PERIOD, "team": second.pk}).json()["rows"]
    assert [(r["tickets"], r["negative"]) for r in rows] == [(1, 0)]


def test_agents_cannot_read_the_tone_report(api_for: Any, agent: Any) -> None:
    assert api_for(agent).get("reports/tone").status_code == 403
