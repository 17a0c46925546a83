"""The trigger what-if counts the firings that the proposed trigger then really makes."""

from __future__ import annotations

from typing import Any

import pytest

from deskline.core.errors import ValidationFailed
from deskline.operations.whatif_triggers import triggers_what_if
from deskline.routing.models import Trigger, TriggerFiring
from deskline.tickets.services import comment_add, ticket_create

pytestmark = pytest.mark.django_db
PROPOSED = {"name": "Escalate printers", "events": ["created"],
            "conditions": [{"field": "title", "op": "contains", "value": "printer"}]}  # fmt: skip


def test_the_proposed_trigger_fires_in_the_replay_as_often_as_it_then_fires(
    admin: Any, dispatch: Any
) -> None:
    for title in ("Printer jams", "Printer offline", "Lift stuck"):
        ticket = ticket_create(actor=admin, title=title)
        comment_add(actor=admin, number=ticket.number, body="On it", is_public=False)
    dispatch()
    report = triggers_what_if(actor=admin, triggers=[PROPOSED], days=1)
    (row,) = [r for r in report["triggers"] if r["side"] == "proposed"]
    assert row["fires"] == 2 and len(row["examples"]) == 2
    Trigger.objects.create(**PROPOSED, when="event", actions={"comment": "escalated"})
    for title in ("Printer jams", "Printer offline", "Lift stuck"):
        ticket_create(actor=admin, title=title)
    dispatch()
    assert TriggerFiring.objects.filter(trigger__name="Escalate printers").count() == 2


def test_an_invalid_proposed_trigger_is_a_422_naming_its_place(admin: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        triggers_what_if(actor=admin, triggers=[{"name": "x", "events": ["exploded"]}])
    assert "triggers.0.events" in caught.value.fields


def test_the_api_answers_the_trigger_report(admin_api: Any) -> None:
    response = admin_api.post("config/what-if/triggers", {"days": 7, "triggers": [PROPOSED]})
    assert response.status_code == 200 and response.json()["events"] >= 0
