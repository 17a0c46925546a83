"""SLA rules on the client's tone: chosen on create from the scored request, chosen again when
a client's reply changes the tone, kept when other facts change."""

from __future__ import annotations

from typing import Any

import pytest

from deskline.accounts.models import User
from deskline.sla.models import Calendar, SlaPolicy, SlaRule, SlaTarget, TicketSla
from deskline.tickets.models import Ticket
from deskline.tickets.services import comment_add, ticket_update
from tests.factories import ContactUserFactory
from tests.routing.conftest import add_rule, leaf, rule_set

__all__ = ["add_rule", "rule_set"]  # fixtures shared with the routing tests
from tests.sla.conftest import msk, priority

pytestmark = pytest.mark.django_db
ANGRY = "This is the fifth time I write! Nothing works and NOBODY answers, fix it NOW!!!"
CALM = "Could you add a new user to the accounting program, please? Thanks."


@pytest.fixture
def tone_on(settings: Any) -> None:
    settings.DESKLINE_TRIAGE_TONE = True


@pytest.fixture
def angry_policy(db: None, standard: SlaPolicy) -> SlaPolicy:
    """ "Angry clients" (first, 15 minutes to react around the clock), then the standard one."""
    angry = SlaPolicy.objects.create(
        name="Angry clients", calendar=Calendar.objects.get(name="24/7")
    )
    for code in ("low", "normal", "high"):
        SlaTarget.objects.create(policy=angry, priority=priority(code), reaction_minutes=15,
                                 resolution_minutes=240)  # fmt: skip
    SlaRule.objects.create(order=1, policy=angry, tone="angry")
    SlaRule.objects.create(order=2, policy=standard)
    return angry


@pytest.fixture
def portal(db: None) -> User:
    return ContactUserFactory()


def _policy(ticket: Ticket) -> SlaPolicy | None:
    return TicketSla.objects.select_related("policy").get(ticket=ticket).policy


def test_an_angry_request_gets_the_angry_policy_on_create(
    tone_on: None, angry_policy: SlaPolicy, make_ticket: Any, clock: Any
) -> None:
    ticket = make_ticket(title="Nothing works again", description=ANGRY)
    state = TicketSla.objects.get(ticket=ticket)
    assert state.policy == angry_policy and state.rule.tone == "angry"  # type: ignore[union-attr]
    assert ticket.reaction_due == msk(16, 10, 15)


def test_a_calm_request_gets_the_next_rules_policy(
    tone_on: None, angry_policy: SlaPolicy, standard: SlaPolicy, make_ticket: Any, clock: Any
) -> None:
    ticket = make_ticket(title="A new user", description=CALM)
    assert _policy(ticket) == standard


def test_without_a_tone_the_tone_rule_never_matches(
    angry_policy: SlaPolicy, standard: SlaPolicy, make_ticket: Any, clock: Any
) -> None:
    ticket = make_ticket(title="Nothing works again", description=ANGRY)  # scoring is off
    assert _policy(ticket) == standard


def test_an_angry_client_reply_moves_the_open_ticket_to_the_angry_policy(
    tone_on: None, angry_policy: SlaPolicy, make_ticket: Any, clock: Any, portal: User
) -> None:
    ticket = make_ticket(title="A new user", description=CALM, contact_id=portal.contact.pk)
    clock.set(msk(16, 11))
    comment_add(actor=portal, number=ticket.number, body=ANGRY)
    ticket.refresh_from_db()
    assert _policy(ticket) == angry_policy
    assert ticket.reaction_due == msk(16, 10, 15)  # the target counts from the creation


def test_a_calm_client_reply_moves_it_back_as_for_any_other_fact(
    tone_on: None, angry_policy: SlaPolicy, standard: SlaPolicy, make_ticket: Any, clock: Any,
    portal: User,
) -> None:  # fmt: skip
    ticket = make_ticket(title="Broken", description=ANGRY, contact_id=portal.contact.pk)
    calm_due = make_ticket(title="A new user", description=CALM).reaction_due
    comment_add(actor=portal, number=ticket.number, body="Thank you so much, all works now!")
    ticket.refresh_from_db()
    assert _policy(ticket) == standard and ticket.reaction_due == calm_due


def test_an_agents_reply_does_not_change_the_policy(
    tone_on: None, angry_policy: SlaPolicy, make_ticket: Any, clock: Any, admin: User
) -> None:
    ticket = make_ticket(title="Broken", description=ANGRY)
    comment_add(actor=admin, number=ticket.number, body="Thank you, we are on it!")
    assert _policy(ticket) == angry_policy


def test_a_policy_a_routing_rule_set_stays_after_an_angry_reply(
    tone_on: None, angry_policy: SlaPolicy, make_ticket: Any, clock: Any, portal: User,
    add_rule: Any,
) -> None:  # fmt: skip
    routed = SlaPolicy.objects.create(name="Set by routing")
    add_rule([leaf("title", "contains", "printer")], {"sla_policy_id": routed.pk})
    ticket = make_ticket(title="The printer", description=CALM, contact_id=portal.contact.pk)
    comment_add(actor=portal, number=ticket.number, body=ANGRY)
    assert _policy(ticket) == routed


def test_a_priority_change_keeps_the_policy_of_the_latest_tone(
    tone_on: None, angry_policy: SlaPolicy, make_ticket: Any, clock: Any, admin: User
) -> None:
    ticket = make_ticket(title="Broken", description=ANGRY)
    clock.set(msk(16, 10, 5))
    updated = ticket_update(actor=admin, number=ticket.number,
                            changes={"priority_id": priority("high").pk})  # fmt: skip
    assert _policy(ticket) == angry_policy
    assert updated.reaction_due == msk(16, 10, 15)


def test_a_resolved_ticket_keeps_its_policy_after_an_angry_reply(
    tone_on: None, angry_policy: SlaPolicy, standard: SlaPolicy, make_ticket: Any, clock: Any,
    portal: User,
) -> None:  # fmt: skip
    from deskline.tickets.models import Status

    ticket = make_ticket(title="A new user", description=CALM, contact_id=portal.contact.pk)
    resolved = Status.objects.filter(phase="resolved").first()
    assert resolved is not None
    Ticket.objects.filter(pk=ticket.pk).update(status=resolved, phase="resolved",
                                               resolved_at=msk(16, 10, 1))  # fmt: skip
    comment_add(actor=portal, number=ticket.number, body=ANGRY)
    assert _policy(ticket) == standard


def test_the_api_takes_a_rules_tone_and_refuses_an_unknown_one(
    admin: User, api_for: Any, standard: SlaPolicy
) -> None:
    api = api_for(admin)
    created = api.post("sla/rules", {"policy_id": standard.pk, "tone": "urgent"})
    assert created.status_code == 201 and created.json()["tone"] == "urgent"
    assert SlaRule.objects.get(pk=created.json()["id"]).tone == "urgent"
    refused = api.post("sla/rules", {"policy_id": standard.pk, "tone": "furious"})
    assert refused.status_code in (400, 422)


def test_the_rule_tones_are_the_ones_triage_scores() -> None:
    from deskline.sla.matching import TONE_LABELS, TONE_SIGNALS

    choices = [value for value, _label in SlaRule._meta.get_field("tone").choices or []]
    assert choices == [*TONE_LABELS, *TONE_SIGNALS]
