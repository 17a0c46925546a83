"""Agents' stress check-in: the third "high" in a shift tells the team lead, only them."""

from __future__ import annotations

from deskline.accounts.models import Role
from deskline.feedback.models import StressAlert
from tests.factories import ContactUserFactory, TeamFactory, UserFactory


def test_three_highs_in_a_shift_alert_only_the_team_lead(api_for, db):
    agent = UserFactory(username="tired", role=Role.AGENT)
    lead = UserFactory(username="lead", role=Role.AGENT)
    peer = UserFactory(username="peer", role=Role.AGENT)
    TeamFactory(lead=lead, members=[agent, peer])
    api = api_for(agent)
    for level in ("high", "medium", "high"):
        assert api.post("feedback/stress", {"level": level}).status_code == 204
    assert not StressAlert.objects.exists()
    api.post("feedback/stress", {"level": "high"})
    api.post("feedback/stress", {"level": "high"})  # a fourth: still one alert per shift
    alerts = api_for(lead).get("feedback/stress/alerts").json()
    assert len(alerts) == 1 and "break" in alerts[0]["suggestion"]
    assert api_for(peer).get("feedback/stress/alerts").json() == []
    assert api_for(agent).get("feedback/stress/alerts").json() == []


def test_a_bad_level_and_a_client_are_refused(api_for, agent):
    assert api_for(agent).post("feedback/stress", {"level": "panic"}).status_code == 422
    client = ContactUserFactory(username="c")
    assert api_for(client).post("feedback/stress", {"level": "high"}).status_code == 403
