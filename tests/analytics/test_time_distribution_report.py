"""The time distribution report through the API: first response, resolution and time in each
status, in business time on the ticket's SLA calendar or in wall time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from deskline.analytics.services import stats_ticket_refresh
from deskline.sla.models import Calendar, TicketSla, TicketStatusPeriod
from deskline.tickets.models import Status, Ticket

MSK = ZoneInfo("Europe/Moscow")
PERIOD = {"start": "2026-06-01", "end": "2026-06-30"}


@pytest.fixture
def weekend_ticket(make_ticket):
    """Created Friday 5 June 17:00 Moscow, answered Monday 10:00, resolved Monday 15 June 09:30
    (Friday 12 June is Russia Day), on the default calendar: office hours, Russian holidays."""
    ticket = make_ticket(title="Over the weekend")
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=dt.datetime(2026, 6, 5, 17, tzinfo=MSK),
        reacted_at=dt.datetime(2026, 6, 8, 10, tzinfo=MSK),
        resolved_at=dt.datetime(2026, 6, 15, 9, 30, tzinfo=MSK),
    )
    TicketSla.objects.update_or_create(
        ticket=ticket, defaults={"calendar": Calendar.objects.get(is_default=True)}
    )
    TicketStatusPeriod.objects.filter(ticket=ticket).delete()
    TicketStatusPeriod.objects.create(
        ticket=ticket, status=Status.objects.get(code="waiting_client"), phase="waiting",
        started_at=dt.datetime(2026, 6, 9, 12, tzinfo=MSK),
        ended_at=dt.datetime(2026, 6, 10, 12, tzinfo=MSK),
        calendar_minutes=1440, working_minutes=540,
    )  # fmt: skip
    stats_ticket_refresh(ticket_id=ticket.pk)  # the updates above bypassed the ticket's events
    return ticket


def _rows(admin_api, clock: str) -> list[dict]:
    response = admin_api.get("reports/distribution", {**PERIOD, "clock": clock})
    assert response.status_code == 200
    return response.json()["rows"]


def test_business_time_leaves_out_nights_weekends_and_holidays(admin_api, weekend_ticket):
    first, resolution, waiting = _rows(admin_api, "business")
    assert (first["count"], first["median"], first["p90"]) == (1, 120.0, 120.0)
    # Fri 1 h + Mon-Thu 8-11 June 4 × 9 h + Mon 15 June 0.5 h; Russia Day does not count.
    assert resolution["median"] == (1 + 36) * 60 + 30
    assert waiting["median"] == 540 and "Waiting" in waiting["measure"]


def test_wall_time_counts_every_minute(admin_api, weekend_ticket):
    first, resolution, waiting = _rows(admin_api, "wall")
    assert first["median"] == 65 * 60
    assert resolution["median"] == (9 * 24 + 16) * 60 + 30
    assert waiting["median"] == 1440


def test_each_measure_has_a_histogram_of_its_tickets(admin_api, weekend_ticket):
    body = admin_api.get("reports/distribution", PERIOD).json()
    buckets = [c["key"] for c in body["columns"] if c["key"].startswith(("under_", "over_"))]
    first = body["rows"][0]
    assert first["under_240"] == 1 and sum(first[k] for k in buckets) == 1
    assert "business" in body["title"]


def test_an_unknown_clock_is_refused(admin_api, db):
    response = admin_api.get("reports/distribution", {**PERIOD, "clock": "lunar"})
    assert response.status_code == 422
