"""The Erlang calculator endpoint: the worked example, validation and access."""

from __future__ import annotations

import pytest

from tests.factories import ContactUserFactory

URL = "staffing/erlang-c"
EXAMPLE = {"arrivals_per_hour": 200, "handle_minutes": 3, "target_seconds": 20,
           "service_level": 0.8}  # fmt: skip


def test_the_calculator_answers_the_smallest_number_of_agents(api_for, agent):
    """Call Centre Helper's worked example (see test_erlang): 14 agents for 80% in 20 s."""
    response = api_for(agent).get(URL, EXAMPLE)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["agents"] == 14
    assert body["service_level"] == pytest.approx(0.888, abs=1e-3)
    assert body["occupancy"] == pytest.approx(10 / 14, abs=1e-6)
    assert body["average_wait_seconds"] == pytest.approx(7.84, abs=0.01)
    assert body["model"] == "erlang_c"


def test_patience_switches_to_erlang_a(api_for, agent):
    body = api_for(agent).get(URL, {**EXAMPLE, "patience_seconds": 120}).json()
    assert body["model"] == "erlang_a" and body["agents"] < 14


def test_a_bad_service_level_is_refused_with_the_field(api_for, agent):
    response = api_for(agent).get(URL, {**EXAMPLE, "service_level": 1.5})
    assert response.status_code == 422
    assert "service_level" in response.json()["error"]["fields"]


def test_a_client_contact_may_not_use_the_calculator(api_for, db):
    client = ContactUserFactory(username="contact")
    assert api_for(client).get(URL, EXAMPLE).status_code == 403


def test_anonymous_requests_are_refused(client):
    assert client.get(f"/api/v1/{URL}", EXAMPLE).status_code == 401
