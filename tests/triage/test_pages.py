"""Triage on the desk: the ticket's suggestion chips and the admins' threshold page."""

from __future__ import annotations

from typing import Any

import pytest

from deskline.triage.models import TicketPrediction, TriageFieldSetting
from deskline.triage.training import train_field
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_ticket_page_loads_the_triage_panel(client: Any, admin: Any, make_ticket: Any) -> None:
    ticket = make_ticket()
    client.force_login(admin)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert f'hx-get="/triage/tickets/{ticket.number}/"' in page


def test_a_suggestion_is_a_chip_and_one_click_accepts_it(
    client: Any, admin: Any, make_ticket: Any, install_model: Any, set_mode: Any, categories: Any
) -> None:
    install_model()
    set_mode("category", "suggest")
    ticket = make_ticket(title="printer jams paper")
    client.force_login(admin)
    panel = client.get(f"/triage/tickets/{ticket.number}/").content.decode()
    assert 'data-triage-accept="category"' in panel and "Printers" in panel
    response = client.post(f"/triage/tickets/{ticket.number}/category/accept/")
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.number}/"
    ticket.refresh_from_db()
    assert ticket.category_id == categories["Printers"].pk
    assert TicketPrediction.objects.get().outcome == "accepted"


def test_accepting_on_a_ticket_the_agent_cannot_see_is_not_found(
    client: Any, make_ticket: Any, install_model: Any, set_mode: Any
) -> None:
    install_model()
    set_mode("category", "suggest")
    ticket = make_ticket(title="printer jams paper")
    client.force_login(UserFactory(role="contractor"))
    assert client.post(f"/triage/tickets/{ticket.number}/category/accept/").status_code == 404
    assert client.get(f"/triage/tickets/{ticket.number}/").status_code == 404
    assert TicketPrediction.objects.get().outcome == "suggested"


def test_the_threshold_page_states_precision_and_coverage_at_the_threshold(
    client: Any, admin: Any, history: Any, set_mode: Any
) -> None:
    history(60)
    train_field("category")
    set_mode("category", "suggest", threshold=0.9)
    client.force_login(admin)
    page = client.get("/triage/").content.decode()
    assert "At 0.90:" in page and "% correct" in page and "% of tickets" in page
    assert "Active model: version 1" in page


def test_an_admin_sets_a_fields_mode_and_threshold(client: Any, admin: Any) -> None:
    client.force_login(admin)
    response = client.post("/triage/", {"field": "team", "mode": "apply", "threshold": "0,95"})
    assert response.status_code == 302
    setting = TriageFieldSetting.objects.get(field="team")
    assert (setting.mode, setting.threshold) == ("apply", 0.95)


def test_a_threshold_outside_0_1_is_refused(client: Any, admin: Any) -> None:
    client.force_login(admin)
    client.post("/triage/", {"field": "team", "mode": "apply", "threshold": "1.5"})
    assert not TriageFieldSetting.objects.exists()


def test_agents_may_not_open_or_change_the_threshold_page(client: Any) -> None:
    client.force_login(UserFactory(role="agent"))
    assert client.get("/triage/").status_code == 403
    assert (
        client.post("/triage/", {"field": "team", "mode": "apply", "threshold": "0.5"}).status_code
        == 403
    )
    assert not TriageFieldSetting.objects.exists()
