"""Accuracy over time: per field and week, predictions against the value the ticket kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from deskline.tickets.models import Category, Phase, Ticket
from deskline.triage.accuracy import WeekAccuracy, weekly_accuracy
from deskline.triage.models import TicketPrediction
from deskline.triage.pages import accuracy_by_week

MONDAY = dt.date(2026, 11, 23)


def test_predictions_are_counted_per_monday_to_sunday_week_and_field() -> None:
    rows = [
        ("category", MONDAY, 1, 1),
        ("category", MONDAY + dt.timedelta(days=6), 2, 3),  # Sunday: same week, wrong
        ("category", MONDAY + dt.timedelta(days=7), 4, 4),
        ("team", MONDAY, 5, None),  # the team was taken off: wrong
    ]
    assert weekly_accuracy(rows) == {
        "category": [WeekAccuracy(MONDAY, 2, 1), WeekAccuracy(MONDAY + dt.timedelta(days=7), 1, 1)],
        "team": [WeekAccuracy(MONDAY, 1, 0)],
    }


def test_accuracy_is_the_percentage_of_matches() -> None:
    assert WeekAccuracy(MONDAY, 3, 2).accuracy == 66.7


def _predict(ticket: Ticket, value: Category, outcome: str, *, days_ago: int = 0) -> None:
    TicketPrediction.objects.create(
        ticket=ticket, field="category", value_id=value.pk, label=value.name, confidence=0.9,
        model_version=1, outcome=outcome, created_at=timezone.now() - dt.timedelta(days=days_ago),
    )  # fmt: skip


@pytest.mark.django_db
def test_only_finished_tickets_count_with_the_category_agents_left(
    make_ticket: Any, categories: dict[str, Category]
) -> None:
    printers, network = categories["Printers"], categories["Network"]
    kept = make_ticket(title="a", category_id=printers.pk)
    corrected = make_ticket(title="b", category_id=network.pk)
    still_open = make_ticket(title="c", category_id=network.pk)
    for ticket, outcome in ((kept, "applied"), (corrected, "corrected"), (still_open, "shown")):
        _predict(ticket, printers, outcome)
    Ticket.objects.filter(pk__in=[kept.pk, corrected.pk]).update(phase=Phase.CLOSED)
    (week,) = accuracy_by_week()["category"]
    assert (week.predicted, week.correct) == (2, 1)


@pytest.mark.django_db
def test_the_threshold_page_shows_accuracy_per_week(
    client: Any, admin: Any, make_ticket: Any, categories: dict[str, Category]
) -> None:
    ticket = make_ticket(title="a", category_id=categories["Printers"].pk)
    _predict(ticket, categories["Printers"], "accepted")
    Ticket.objects.filter(pk=ticket.pk).update(phase=Phase.RESOLVED)
    client.force_login(admin)
    page = client.get("/triage/").content.decode()
    assert "Accuracy per week" in page and '<meter min="0" max="100" value="100.0"' in page
