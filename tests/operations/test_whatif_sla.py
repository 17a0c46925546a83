"""The SLA what-if predicts the deadlines that applying the proposed targets then gives."""

from __future__ import annotations

from typing import Any

import pytest

from deskline.core import refcache
from deskline.core.errors import ValidationFailed
from deskline.operations.whatif_sla import sla_what_if
from deskline.sla.engine import due_dates, state_of
from deskline.sla.models import SlaPolicy, SlaTarget
from deskline.tickets.models import Ticket
from deskline.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


def test_a_shorter_resolution_target_moves_exactly_the_deadlines_applying_it_moves(
    admin: Any,
) -> None:
    policy = SlaPolicy.objects.get(is_default=True)
    target = SlaTarget.objects.filter(policy=policy, resolution_minutes__isnull=False).first()
    assert target is not None
    for n in range(3):
        ticket_create(actor=admin, title=f"Printer {n}", priority_id=target.priority_id)
    shorter = max(1, (target.resolution_minutes or 60) // 2)
    report = sla_what_if(actor=admin, days=1, targets=[{
        "policy_id": policy.pk, "priority_id": target.priority_id,
        "reaction_minutes": target.reaction_minutes, "resolution_minutes": shorter}])  # fmt: skip
    predicted = {
        e["number"]: e["after"]["resolution_due"] for r in report["rules"] for e in r["examples"]
    }
    assert report["changed"] == 3 and report["sla"]["deadline_moved"] == 3
    SlaTarget.objects.filter(pk=target.pk).update(resolution_minutes=shorter)
    refcache.clear()
    for number, due in predicted.items():  # what the engine now gives each ticket
        ticket = Ticket.objects.get(number=number)
        assert due_dates(ticket, state_of(ticket))["resolution_due"] == due


def test_the_sla_what_if_writes_nothing_and_refuses_unknown_policies(admin: Any) -> None:
    ticket = ticket_create(actor=admin, title="Printer")
    with pytest.raises(ValidationFailed) as caught:
        sla_what_if(actor=admin, rules=[{"policy_id": 999999}])
    assert "rules.0.policy_id" in caught.value.fields
    sla_what_if(actor=admin, rules=[], days=1)
    assert Ticket.objects.get(pk=ticket.pk).resolution_due == ticket.resolution_due


def test_the_api_answers_the_sla_report(admin_api: Any) -> None:
    response = admin_api.post("config/what-if/sla", {"days": 7})
    assert response.status_code == 200 and response.json()["changed"] == 0


def test_a_proposed_tone_rule_moves_the_tickets_whose_latest_message_is_angry(admin: Any) -> None:
    from deskline.triage.models import MessageTone

    fast = SlaPolicy.objects.create(name="Angry clients")
    angry, calm = (ticket_create(actor=admin, title=t) for t in ("Broken again", "New user"))
    for ticket, score in ((angry, 0.9), (calm, 0.1)):
        MessageTone.objects.create(ticket=ticket, tone="negative", confidence=0.9, angry=score,
                                   urgent=0.0, created_at=ticket.created_at)  # fmt: skip
    report = sla_what_if(actor=admin, days=1, rules=[{"policy_id": fast.pk, "tone": "angry"}])
    moved = {e["number"] for r in report["rules"] for e in r["examples"]}
    assert report["changed"] == 1 and moved == {angry.number}
