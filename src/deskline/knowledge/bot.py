"""The support bot: a conversation where the client writes and the bot answers from our
articles (the best one's passage and link), asks which article is meant when two are close,
and hands over to a person on request or when it has no answer: the ticket is created with
the whole conversation, the category the bot guessed and the articles it tried. A message
holding an admin's flow trigger starts that scripted flow (`bot_flows`), which then takes the
client's answers until it ends.

Channel-neutral: the portal widget and the API call these functions with text and show the
replies; the bot searches as the client, so it can only offer articles of the client's audience.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from deskline.accounts.models import User
from deskline.core.errors import NotFound, PermissionDenied, ValidationFailed
from deskline.core.permissions import is_client
from deskline.knowledge import bot_flows
from deskline.knowledge.article_selectors import article_get_for
from deskline.knowledge.bot_models import BotMessage, Conversation
from deskline.knowledge.bot_policy import decide, wants_a_person
from deskline.knowledge.bot_replies import answer_with_article, hand_over
from deskline.knowledge.models import Deflection, SearchLog
from deskline.knowledge.search import search

Kind = BotMessage.Kind
#: Replies after which the client may say "this solved it": an article, or a flow's step.
ANSWERED = (Kind.ANSWER, Kind.FLOW)


def _client(user: User) -> None:
    if not is_client(user):
        raise PermissionDenied("the bot talks to client contacts")


def conversation_get_for(*, user: User, conversation_id: int) -> Conversation:
    """The user's own conversation; anyone else's is "not found"."""
    row = Conversation.objects.filter(pk=conversation_id, user_id=user.pk).first()
    if row is None:
        raise NotFound(f"conversation {conversation_id} not found")
    return row


def messages_of(*, user: User, conversation_id: int) -> list[BotMessage]:
    conversation = conversation_get_for(user=user, conversation_id=conversation_id)
    return list(conversation.messages.all())


def conversation_start(*, user: User, channel: str = "portal") -> Conversation:
    _client(user)
    return Conversation.objects.create(user=user, channel=channel[:16])


def _open(user: User, conversation_id: int) -> Conversation:
    _client(user)
    conversation = conversation_get_for(user=user, conversation_id=conversation_id)
    if conversation.state != Conversation.State.OPEN:
        raise ValidationFailed("the conversation is over", fields={"state": conversation.state})
    return conversation


@transaction.atomic
def conversation_say(
    *, user: User, conversation_id: int, text: str, on_later: bot_flows.OnLater | None = None
) -> list[BotMessage]:
    """The client's message and the bot's replies to it. A scripted flow's webhook step is
    called after the commit; its replies extend the returned list then and go to `on_later`
    (see `bot_flows`)."""
    conversation = _open(user, conversation_id)
    text = text.strip()[:2000]
    if not text:
        raise ValidationFailed("say something", fields={"text": "required"})
    BotMessage.objects.create(conversation=conversation, kind=Kind.CLIENT, text=text)
    if wants_a_person(text):
        return [conversation_handover(user=user, conversation_id=conversation.pk)]
    if conversation.flow_id is not None and conversation.flow_step:
        return bot_flows.flow_answer(conversation, user, text, on_later)
    flow = bot_flows.flow_for_message(text)
    if flow is not None:
        return bot_flows.flow_begin(conversation, user, flow, on_later)
    hits = search(user=user, text=text, limit=3)
    SearchLog.objects.create(query=text.lower()[:500], results=len(hits), source="bot", user=user)
    decision = decide([(h.article.pk, h.score, h.confidence) for h in hits])
    by_id = {h.article.pk: h.article for h in hits}
    if decision.action == "answer":
        reply = answer_with_article(conversation, by_id[decision.article_ids[0]], text)
    elif decision.action == "clarify":
        options = [by_id[pk] for pk in decision.article_ids]
        reply = BotMessage.objects.create(
            conversation=conversation, kind=Kind.CLARIFY, choices=list(decision.article_ids),
            text=_("Which one is closer to your question?") + "\n"
            + "\n".join(f"- {a.title}" for a in options),
        )  # fmt: skip
    else:
        reply = BotMessage.objects.create(
            conversation=conversation, kind=Kind.NO_ANSWER,
            text=_("I have no article for this. Rephrase it, or ask for a person."),
        )  # fmt: skip
    return [reply]


@transaction.atomic
def conversation_choose(*, user: User, conversation_id: int, article_id: int) -> BotMessage:
    """The client picked one of the articles a clarifying question offered."""
    conversation = _open(user, conversation_id)
    offered = conversation.messages.filter(kind=Kind.CLARIFY).values_list("choices", flat=True)
    if not any(article_id in choices for choices in offered):
        raise NotFound(f"article {article_id} was not offered")
    article = article_get_for(user=user, article_id=article_id)
    question = conversation.messages.filter(kind=Kind.CLIENT).last()
    return answer_with_article(conversation, article, question.text if question else "")


@transaction.atomic
def conversation_solved(*, user: User, conversation_id: int) -> BotMessage:
    """The client says the bot's answer solved it: a deflected ticket."""
    conversation = _open(user, conversation_id)
    if not conversation.messages.filter(kind__in=ANSWERED).exists():
        raise ValidationFailed("the bot has not answered yet", fields={"state": "no answer"})
    last = conversation.messages.filter(kind=Kind.ANSWER).last()
    conversation.state = Conversation.State.SOLVED
    conversation.save(update_fields=["state", "updated_at"])
    first = conversation.messages.filter(kind=Kind.CLIENT).first()
    Deflection.objects.create(source=Deflection.Source.BOT, article_id=last.article_id if last else None,
                              user=user,
                              query=first.text[:500] if first else "")  # fmt: skip
    return BotMessage.objects.create(conversation=conversation, kind=Kind.SOLVED,
                                     text=_("Glad I could help."))  # fmt: skip


@transaction.atomic
def conversation_handover(*, user: User, conversation_id: int) -> BotMessage:
    """Hand over to a person: a ticket with the whole conversation, so nothing is asked twice."""
    return hand_over(_open(user, conversation_id), user)
