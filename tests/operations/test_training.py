"""Training mode: practice in a sandbox scores points on a leaderboard."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from deskline.operations.training import leaderboard
from deskline.routing.models import Rule, RuleSet
from deskline.tickets.models import Status
from deskline.tickets.services import (
    comment_add,
    ticket_assign,
    ticket_change_status,
    ticket_create,
)
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_trainee_scores_for_a_timely_reply_the_right_team_and_a_timely_resolution(
    admin: Any, settings: Any
) -> None:
    settings.DESKLINE_SANDBOX = True
    trainee = UserFactory(username="trainee", first_name="Tina", last_name="Trainee", role="admin")
    lifts = TeamFactory(name="Lifts", members=[trainee])
    rule_set = RuleSet.objects.create(name="Main", mode="first_match")
    Rule.objects.create(rule_set=rule_set, name="lifts", conditions=[
        {"field": "title", "op": "contains", "value": "lift"}], actions={"team_id": lifts.pk})  # fmt: skip
    rule_set.is_active = False  # the trainee routes by hand; the rules say what is right
    rule_set.save()
    ticket = ticket_create(actor=admin, title="Lift stuck")
    comment_add(actor=trainee, number=ticket.number, body="On our way", is_public=True)
    ticket_assign(actor=trainee, number=ticket.number, team_id=lifts.pk, assignee_id=trainee.pk)
    rule_set.is_active = True
    rule_set.save()
    for code in ("in_progress", "resolved"):
        ticket_change_status(actor=trainee, number=ticket.number,
                             status_id=Status.objects.get(code=code).pk)  # fmt: skip
    (score,) = leaderboard()
    assert score.name == "Tina Trainee" and score.points == 5
    assert dict(score.details) == {"first reply in time": 1, "right team": 1, "resolved in time": 1}


def test_the_leaderboard_exists_only_in_a_sandbox(
    client: Client, admin: Any, settings: Any
) -> None:
    client.force_login(admin)
    settings.DESKLINE_SANDBOX = False
    assert client.get("/training/").status_code == 404
    settings.DESKLINE_SANDBOX = True
    assert client.get("/training/").status_code == 200
