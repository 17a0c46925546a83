"""Tone: the labelled set, the classifier's figures, and the tone of inbound messages."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from deskline.routing.models import Trigger
from deskline.sla.models import SlaPolicy, TicketSla
from deskline.tickets.conversation import comment_add
from deskline.tickets.models import Priority, TicketEvent
from deskline.triage import tone, tone_training
from deskline.triage.models import MessageTone
from tests.factories import ContactUserFactory, TeamFactory
from tests.routing.conftest import add_rule, leaf, rule_set

__all__ = ["add_rule", "rule_set"]  # fixtures shared with the routing tests
ANGRY = "This is the fifth time I write! Nothing works and NOBODY answers, fix it NOW!!!"


@pytest.fixture
def tone_on(settings: Any) -> None:
    settings.DESKLINE_TRIAGE_TONE = True


def test_the_set_has_300_messages_in_russian_and_english_with_every_kind() -> None:
    rows = tone.read_set()
    assert len(rows) >= 300
    assert Counter(r.language for r in rows) == {"en": 150, "ru": 150}
    assert {r.tone for r in rows} == {"negative", "neutral", "positive"}
    assert any(r.angry for r in rows) and any(r.urgent for r in rows)


def test_held_out_accuracy_of_each_head_is_at_least_three_quarters() -> None:
    train, test = tone_training.split(tone.read_set())
    result = tone_training.evaluate(tone_training.ToneModel.train(train), test)
    assert result.size == 75
    assert min(result.tone, result.angry, result.urgent) >= 0.75, result


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Спасибо огромное, всё заработало!", "positive"),
     ("Please install Word on the PC in room 12", "neutral"),
     ("Это уже третья заявка, ничего не работает, безобразие!", "negative")],
)  # fmt: skip
def test_tone_of_plain_messages(text: str, expected: str) -> None:
    assert tone.tone_of(text).tone == expected


@pytest.mark.django_db
def test_a_new_tickets_tone_is_stored_and_routing_rules_can_use_it(
    tone_on: None, make_ticket: Any, add_rule: Any
) -> None:
    leads = TeamFactory(name="Team leads")
    add_rule([leaf("tone.angry", "eq", True)], {"team_id": leads.pk}, name="Angry to the leads")
    ticket = make_ticket(title="Nothing works again", description=ANGRY)
    scored = MessageTone.objects.get(ticket=ticket)
    assert scored.tone == "negative" and scored.is_angry
    assert ticket.team_id == leads.pk
    created = TicketEvent.objects.get(ticket=ticket, kind="created").payload
    assert created.decisions["tone"]["tone"] == "negative"  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_clients_comment_gets_its_tone_and_the_panel_shows_the_latest(
    tone_on: None, make_ticket: Any, client: Any, admin: Any
) -> None:
    portal = ContactUserFactory()
    ticket = make_ticket(title="Printer", contact_id=portal.contact.pk)
    comment_add(actor=portal, number=ticket.number, body="Thank you so much, all works now!")
    latest = MessageTone.objects.filter(comment__isnull=False).get()
    assert latest.tone == "positive"
    client.force_login(admin)
    panel = client.get(f"/triage/tickets/{ticket.number}/").content.decode()
    assert 'data-tone="positive"' in panel


@pytest.mark.django_db
def test_staff_notes_get_no_tone(tone_on: None, make_ticket: Any, admin: Any) -> None:
    ticket = make_ticket(title="Printer")
    comment_add(actor=admin, number=ticket.number, body="Called the client", is_public=False)
    assert not MessageTone.objects.filter(comment__isnull=False).exists()


@pytest.mark.django_db
def test_an_automation_trigger_reacts_to_an_angry_client_reply(
    tone_on: None, make_ticket: Any, dispatch: Any
) -> None:
    high = Priority.objects.get(code="high")
    Trigger.objects.create(name="Angry reply", events=["comment_client"],
                           conditions=[leaf("tone.angry", "eq", True)],
                           actions={"set": {"priority_id": high.pk}})  # fmt: skip
    portal = ContactUserFactory()
    calm = make_ticket(title="Printer", contact_id=portal.contact.pk)
    upset = make_ticket(title="Scanner", contact_id=portal.contact.pk)
    comment_add(actor=portal, number=calm.number, body="Thank you, it works now!")
    comment_add(actor=portal, number=upset.number, body=ANGRY)
    dispatch()
    calm.refresh_from_db()
    upset.refresh_from_db()
    assert upset.priority_id == high.pk and calm.priority_id != high.pk


@pytest.mark.django_db
def test_an_angry_request_can_get_its_own_sla_policy_through_a_routing_rule(
    tone_on: None, make_ticket: Any, add_rule: Any
) -> None:
    fast = SlaPolicy.objects.create(name="Angry clients: fast lane")
    add_rule([leaf("tone.angry", "eq", True)], {"sla_policy_id": fast.pk}, name="Angry: fast SLA")
    angry = make_ticket(title="Nothing works again", description=ANGRY)
    calm = make_ticket(title="Please add a user", description="Could you add a new user, thanks.")
    policies = dict(TicketSla.objects.values_list("ticket_id", "policy_id"))
    assert policies[angry.pk] == fast.pk and policies.get(calm.pk) != fast.pk
