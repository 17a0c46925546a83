"""The support bot: answers from the client's audience only, clarifies, hands over with the
whole conversation, counts a solved conversation as deflected; and its API."""

from __future__ import annotations

from typing import Any

import pytest

from deskline.accounts.models import Role, User
from deskline.core.errors import NotFound, PermissionDenied
from deskline.knowledge.article_services import category_create
from deskline.knowledge.bot import (
    conversation_choose,
    conversation_handover,
    conversation_say,
    conversation_solved,
    conversation_start,
)
from deskline.knowledge.bot_models import BotMessage
from deskline.knowledge.bot_policy import decide, wants_a_person
from deskline.knowledge.models import ArticleAudience, Deflection
from deskline.tickets.models import Ticket
from tests.factories import CompanyFactory, ContactFactory, ContactUserFactory, UserFactory
from tests.knowledge.factories import article

pytestmark = pytest.mark.django_db
Kind = BotMessage.Kind


@pytest.fixture
def client_user(db: None) -> User:
    return ContactUserFactory(contact=ContactFactory(company=CompanyFactory()))


@pytest.fixture
def paper(admin: User) -> Any:
    cat = category_create(actor=admin, name="Cash registers")
    return article(title="Замятие бумаги в кассе", category_id=cat.pk,
                   body="Выключите кассу.\n\nАккуратно вытащите смятую ленту из кассы.")  # fmt: skip


def test_policy_answers_when_one_article_stands_out() -> None:
    assert decide([(1, 20.0, 1.0), (2, 5.0, 0.2)]).action == "answer"


def test_policy_asks_when_the_top_two_are_close() -> None:
    assert decide([(1, 20.0, 1.0), (2, 18.0, 0.9)]).article_ids == (1, 2)


def test_policy_admits_no_answer_below_the_threshold() -> None:
    assert decide([(1, 9.0, 0.1)]).action == "none" and decide([]).action == "none"


def test_asking_for_a_person_is_recognised_in_both_languages() -> None:
    assert wants_a_person("позовите оператора") and wants_a_person("I want a human")
    assert not wants_a_person("принтер не печатает")


def test_bot_answers_with_the_articles_passage(client_user: User, paper: Any) -> None:
    talk = conversation_start(user=client_user)
    [reply] = conversation_say(
        user=client_user, conversation_id=talk.pk, text="замятие ленты в кассе"
    )
    assert reply.kind == Kind.ANSWER and reply.article == paper
    assert "смятую ленту" in reply.text


def test_bot_never_answers_with_an_internal_article(client_user: User, admin: User) -> None:
    article(title="Замятие бумаги служебное", audience=ArticleAudience.INTERNAL)
    talk = conversation_start(user=client_user)
    [reply] = conversation_say(user=client_user, conversation_id=talk.pk, text="замятие бумаги")
    assert reply.kind == Kind.NO_ANSWER and reply.article is None


def test_bot_asks_which_article_when_two_are_close(client_user: User, admin: User) -> None:
    one = article(title="Замятие бумаги в кассе", body="")
    two = article(title="Замятие бумаги в принтере", body="")
    talk = conversation_start(user=client_user)
    [reply] = conversation_say(user=client_user, conversation_id=talk.pk, text="замятие бумаги")
    assert reply.kind == Kind.CLARIFY and set(reply.choices) == {one.pk, two.pk}
    answer = conversation_choose(user=client_user, conversation_id=talk.pk, article_id=two.pk)
    assert answer.kind == Kind.ANSWER and answer.article == two


def test_choosing_an_article_that_was_not_offered_is_not_found(
    client_user: User, paper: Any
) -> None:
    talk = conversation_start(user=client_user)
    with pytest.raises(NotFound):
        conversation_choose(user=client_user, conversation_id=talk.pk, article_id=paper.pk)


def test_a_solved_conversation_counts_as_deflected(client_user: User, paper: Any) -> None:
    talk = conversation_start(user=client_user)
    conversation_say(user=client_user, conversation_id=talk.pk, text="замятие ленты в кассе")
    conversation_solved(user=client_user, conversation_id=talk.pk)
    row = Deflection.objects.get()
    assert (row.source, row.article, row.query) == ("bot", paper, "замятие ленты в кассе")
    assert not Ticket.objects.exists()


def test_handover_creates_a_ticket_with_the_conversation(client_user: User, paper: Any) -> None:
    talk = conversation_start(user=client_user)
    conversation_say(user=client_user, conversation_id=talk.pk, text="замятие ленты в кассе")
    reply = conversation_handover(user=client_user, conversation_id=talk.pk)
    ticket = Ticket.objects.get()
    assert f"#{ticket.number}" in reply.text and ticket.title == "замятие ленты в кассе"
    assert ticket.contact.user == client_user
    for expected in ("замятие ленты в кассе", paper.title, f"#{paper.pk}", "Cash registers"):
        assert expected in ticket.description, expected


def test_asking_for_an_operator_hands_over(client_user: User) -> None:
    talk = conversation_start(user=client_user)
    [reply] = conversation_say(user=client_user, conversation_id=talk.pk, text="нужен оператор")
    assert reply.kind == Kind.HANDOVER and Ticket.objects.count() == 1


def test_only_clients_talk_to_the_bot_and_only_in_their_own_conversation(
    client_user: User,
) -> None:
    with pytest.raises(PermissionDenied):
        conversation_start(user=UserFactory(role=Role.AGENT))
    talk = conversation_start(user=client_user)
    with pytest.raises(NotFound):
        conversation_say(user=ContactUserFactory(), conversation_id=talk.pk, text="hi")


def test_the_api_runs_a_conversation_to_a_handover(
    client_user: User, paper: Any, api_for: Any
) -> None:
    api = api_for(client_user)
    started = api.post("bot/conversations")
    assert started.status_code == 201
    pk = started.json()["id"]
    body = api.post(f"bot/conversations/{pk}/messages", {"text": "замятие ленты в кассе"}).json()
    assert body["messages"][-1]["article_id"] == paper.pk
    assert set(body["actions"]) == {"say", "handover", "solved"}
    body = api.post(f"bot/conversations/{pk}/handover").json()
    assert body["state"] == "handed_over" and body["ticket_number"] and body["actions"] == []
    assert api.post(f"bot/conversations/{pk}/messages", {"text": "more"}).status_code == 422
