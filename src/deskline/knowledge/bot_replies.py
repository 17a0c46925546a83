"""The bot's replies that both the free conversation (`bot`) and scripted flows (`bot_flows`)
give: an article's passage, and handing the conversation to a person as a ticket that holds
the whole conversation, the answers a flow collected, the guessed category and the articles
tried, so the client never repeats themselves."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from deskline.accounts.models import User
from deskline.accounts.system import system_user
from deskline.knowledge.bot_models import BotMessage, Conversation
from deskline.knowledge.markdown import markdown_to_text
from deskline.knowledge.models import Article
from deskline.knowledge.terms import best_passage, term, words
from deskline.tickets.access import contact_for_client
from deskline.tickets.models import Channel, Ticket
from deskline.tickets.services import ticket_create

Kind = BotMessage.Kind


def answer_with_article(conversation: Conversation, article: Article, question: str) -> BotMessage:
    """The article's passage closest to `question`, with the article attached (its link)."""
    wanted = {term(w) for w in words(question)}
    passage = best_passage(markdown_to_text(article.body), wanted)
    conversation.tried.add(article)
    if conversation.guessed_category_id is None and article.category_id:
        conversation.guessed_category_id = article.category_id
        conversation.save(update_fields=["guessed_category", "updated_at"])
    return BotMessage.objects.create(conversation=conversation, kind=Kind.ANSWER, article=article,
                                     text=f"{article.title}\n\n{passage}")  # fmt: skip


def transcript(conversation: Conversation) -> str:
    """The conversation as plain text for the ticket: messages, answers, tried articles,
    category."""
    client, assistant = _("Client"), _("Bot")
    lines = [
        f"{client if m.kind == Kind.CLIENT else assistant}: {m.text}"
        for m in conversation.messages.all()
    ]
    tried = [f"- {a.title} (#{a.pk})" for a in conversation.tried.all()]
    parts = [_("Conversation with the support bot:"), *lines]
    if conversation.flow_answers:
        parts += ["", _("Answers collected by the bot:")]
        parts += [f"- {k}: {v}" for k, v in conversation.flow_answers.items()]
    if tried:
        parts += ["", _("Articles the bot offered:"), *tried]
    if conversation.guessed_category:
        parts += ["", _("Category guessed by the bot: %s") % conversation.guessed_category.name]
    return "\n".join(parts)


def hand_over(
    conversation: Conversation, user: User, *, title: str = "",
    fields: Mapping[str, Any] | None = None, note: str = "",
) -> BotMessage:  # fmt: skip
    """Close the conversation into a ticket. `fields` (category, priority, type ids) come from
    an admin's flow or its webhook: the bot's service user files the ticket on the contact's
    behalf then, since a client may not set them; without them the client files it."""
    first = conversation.messages.filter(kind=Kind.CLIENT).first()
    title = title or (first.text if first else _("Question from the support bot"))
    # Channel-neutral: the ticket comes from where the conversation is (portal, Telegram, ...).
    channel = conversation.channel if conversation.channel in Channel.values else Channel.PORTAL
    description = transcript(conversation) + (f"\n\n{note}" if note else "")
    chosen = {k: v for k, v in (fields or {}).items() if v is not None}
    if chosen:
        contact = contact_for_client(user)
        ticket: Ticket = ticket_create(
            actor=system_user("bot"), title=title[:200], channel=channel, description=description,
            contact_id=contact.pk, on_behalf_of_contact=True, **chosen,
        )  # fmt: skip
    else:
        ticket = ticket_create(actor=user, title=title[:200], channel=channel,
                               description=description)  # fmt: skip
    conversation.state = Conversation.State.HANDED_OVER
    conversation.ticket = ticket
    conversation.flow_step = ""
    conversation.save(update_fields=["state", "ticket", "flow_step", "updated_at"])
    return BotMessage.objects.create(
        conversation=conversation, kind=Kind.HANDOVER,
        text=_("I have passed your question to a person: ticket #%(number)s.")
        % {"number": ticket.number},
    )  # fmt: skip
