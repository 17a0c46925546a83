"""The support bot: a conversation where the client writes and the bot answers from our
articles (the best one's passage and link), asks which article is meant when two are close,
and hands over to a person on request or when it has no answer: the ticket is created with
the whole conversation, the category the bot guessed and the articles it tried.

Channel-neutral: the portal widget and the API call these functions with text and show the
replies; the bot searches as the client, so it can only offer articles of the client's audience.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from deskline.accounts.models import User
from deskline.core.errors import NotFound, PermissionDenied, ValidationFailed
from deskline.core.permissions import is_client
from deskline.knowledge.article_selectors import article_get_for
from deskline.knowledge.bot_models import BotMessage, Conversation
from deskline.knowledge.bot_policy import decide, wants_a_person
from deskline.knowledge.markdown import markdown_to_text
from deskline.knowledge.models import Article, Deflection, SearchLog
from deskline.knowledge.search import search
from deskline.knowledge.terms import best_passage, term, words
from deskline.tickets.models import Channel, Ticket
from deskline.tickets.services import ticket_create

Kind = BotMessage.Kind


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


def _answer(conversation: Conversation, article: Article, question: str) -> BotMessage:
    wanted = {term(w) for w in words(question)}
    passage = best_passage(markdown_to_text(article.body), wanted)
    conversation.tried.add(article)
    if conversation.guessed_category_id is None and article.category_id:
        conversation.guessed_category_id = article.category_id
        conversation.save(update_fields=["guessed_category", "updated_at"])
    return BotMessage.objects.create(conversation=conversation, kind=Kind.ANSWER, article=article,
                                     text=f"{article.title}\n\n{passage}")  # fmt: skip


@transaction.atomic
def conversation_say(*, user: User, conversation_id: int, text: str) -> list[BotMessage]:
    """The client's message and the bot's replies to it."""
    conversation = _open(user, conversation_id)
    text = text.strip()[:2000]
    if not text:
        raise ValidationFailed("say something", fields={"text": "required"})
    BotMessage.objects.create(conversation=conversation, kind=Kind.CLIENT, text=text)
    if wants_a_person(text):
        return [conversation_handover(user=user, conversation_id=conversation.pk)]
    hits = search(user=user, text=text, limit=3)
    SearchLog.objects.create(query=text.lower()[:500], results=len(hits), source="bot", user=user)
    decision = decide([(h.article.pk, h.score, h.confidence) for h in hits])
    by_id = {h.article.pk: h.article for h in hits}
    if decision.action == "answer":
        reply = _answer(conversation, by_id[decision.article_ids[0]], text)
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
    return _answer(conversation, article, question.text if question else "")


@transaction.atomic
def conversation_solved(*, user: User, conversation_id: int) -> BotMessage:
    """The client says the bot's answer solved it: a deflected ticket."""
    conversation = _open(user, conversation_id)
    last = conversation.messages.filter(kind=Kind.ANSWER).last()
    if last is None:
        raise ValidationFailed("the bot has not answered yet", fields={"state": "no answer"})
    conversation.state = Conversation.State.SOLVED
    conversation.save(update_fields=["state", "updated_at"])
    first = conversation.messages.filter(kind=Kind.CLIENT).first()
    Deflection.objects.create(source=Deflection.Source.BOT, article_id=last.article_id, user=user,
                              query=first.text[:500] if first else "")  # fmt: skip
    return BotMessage.objects.create(conversation=conversation, kind=Kind.SOLVED,
                                     text=_("Glad I could help."))  # fmt: skip


def transcript(conversation: Conversation) -> str:
    """The conversation as plain text for the ticket: messages, tried articles, category."""
    client, assistant = _("Client"), _("Bot")
    lines = [
        f"{client if m.kind == Kind.CLIENT else assistant}: {m.text}"
        for m in conversation.messages.all()
    ]
    tried = [f"- {a.title} (#{a.pk})" for a in conversation.tried.all()]
    parts = [_("Conversation with the support bot:"), *lines]
    if tried:
        parts += ["", _("Articles the bot offered:"), *tried]
    if conversation.guessed_category:
        parts += ["", _("Category guessed by the bot: %s") % conversation.guessed_category.name]
    return "\n".join(parts)


@transaction.atomic
def conversation_handover(*, user: User, conversation_id: int) -> BotMessage:
    """Hand over to a person: a ticket with the whole conversation, so nothing is asked twice."""
    conversation = _open(user, conversation_id)
    first = conversation.messages.filter(kind=Kind.CLIENT).first()
    title = first.text if first else _("Question from the support bot")
    # Channel-neutral: the ticket comes from where the conversation is (portal, Telegram, ...).
    channel = conversation.channel if conversation.channel in Channel.values else Channel.PORTAL
    ticket: Ticket = ticket_create(actor=user, title=title[:200], channel=channel,
                                   description=transcript(conversation))  # fmt: skip
    conversation.state = Conversation.State.HANDED_OVER
    conversation.ticket = ticket
    conversation.save(update_fields=["state", "ticket", "updated_at"])
    return BotMessage.objects.create(
        conversation=conversation, kind=Kind.HANDOVER,
        text=_("I have passed your question to a person: ticket #%(number)s.")
        % {"number": ticket.number},
    )  # fmt: skip
