"""The support bot (knowledge.bot) answering in Telegram before a ticket is opened.

Channel-neutral: the chat only carries text in and the bot's replies out; the conversation is
the knowledge app's, started with channel "telegram", and its handover opens the ticket (with
the whole conversation) in that channel. Buttons: "Solved" / "Talk to a person" under an
answer, one per article under a clarifying question, one per option under a scripted flow's
question (pressing it says the option). A bot without an answer hands over at
once, so the client never waits on a dead end. A flow's webhook step is called after the
update's transaction commits; what the flow says then is said in the chat (`_say_later`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from deskline.accounts.models import User
from deskline.channels.telegram import chat_say
from deskline.channels.telegram_models import TelegramChat, TelegramUpdate
from deskline.channels.telegramwire import IncomingMessage
from deskline.knowledge import bot, bot_flows
from deskline.knowledge.bot_models import BotMessage, Conversation
from deskline.tickets.models import Ticket

Kind = BotMessage.Kind


def bot_user(chat: TelegramChat) -> User | None:
    """The contact's portal login: the bot talks to clients who can sign in."""
    contact = chat.contact
    user = contact.user if contact is not None else None
    return user if user is not None and user.is_active else None


def _open_conversation(chat: TelegramChat, user: User) -> Conversation:
    if chat.bot_conversation_id is not None:
        found = Conversation.objects.filter(
            pk=chat.bot_conversation_id, user=user, state=Conversation.State.OPEN
        ).first()
        if found is not None:
            return found
    conversation = bot.conversation_start(user=user, channel="telegram")
    chat.bot_conversation_id = conversation.pk
    chat.save(update_fields=["bot_conversation_id"])
    return conversation


def _buttons(reply: BotMessage) -> dict[str, object] | None:
    conv = reply.conversation_id
    if reply.buttons:  # a scripted flow's question: a button says its label
        rows = [[{"text": str(label)[:60], "callback_data": f"kb:say:{conv}:{index}"}]
                for index, label in enumerate(reply.buttons)]  # fmt: skip
        return {"inline_keyboard": rows}
    if reply.kind == Kind.ANSWER:
        row = [{"text": _("Solved"), "callback_data": f"kb:solved:{conv}"},
               {"text": _("Talk to a person"), "callback_data": f"kb:person:{conv}"}]  # fmt: skip
        return {"inline_keyboard": [row]}
    if reply.kind == Kind.CLARIFY:
        from deskline.knowledge.models import Article

        titles = dict(Article.objects.filter(pk__in=reply.choices).values_list("pk", "title"))
        rows = [[{"text": str(titles.get(pk, pk))[:60], "callback_data": f"kb:choose:{conv}:{pk}"}]
                for pk in reply.choices]  # fmt: skip
        return {"inline_keyboard": rows}
    return None


def relay(chat: TelegramChat, user: User, replies: list[BotMessage]) -> Ticket | None:
    """Say the bot's replies in the chat; hand over when it has no answer. The ticket, if one
    was opened."""
    conversation_id = replies[-1].conversation_id if replies else None
    if replies and replies[-1].kind == Kind.NO_ANSWER and conversation_id is not None:
        replies = [bot.conversation_handover(user=user, conversation_id=conversation_id)]
    for reply in replies:
        chat_say(chat=chat, text=reply.text, reply_markup=_buttons(reply))
    if conversation_id is None:
        return None
    conversation = Conversation.objects.select_related("ticket").get(pk=conversation_id)
    if conversation.state != Conversation.State.OPEN:
        chat.bot_conversation_id = None
        chat.save(update_fields=["bot_conversation_id"])
    return conversation.ticket


def _say_later(chat_pk: int, user: User) -> bot_flows.OnLater:
    """What a scripted flow says once its webhook replied (after the commit): said in the
    chat, in the transaction that wrote it."""

    def say(replies: list[BotMessage]) -> None:
        chat = TelegramChat.objects.select_for_update().filter(pk=chat_pk).first()
        if chat is None:
            return
        ticket = relay(chat, user, replies)
        if ticket is not None:
            chat.last_ticket = ticket
            chat.save(update_fields=["last_ticket"])

    return say


def ask_the_bot(row: TelegramUpdate, chat: TelegramChat, msg: IncomingMessage) -> bool:
    """Whether the bot took the message (self-service on, a client who can sign in, text)."""
    user = bot_user(chat)
    if not row.bot.self_service or user is None or not msg.text.strip() or msg.files:
        return False
    conversation = _open_conversation(chat, user)
    replies = bot.conversation_say(user=user, conversation_id=conversation.pk, text=msg.text,
                                   on_later=_say_later(chat.pk, user))  # fmt: skip
    ticket = relay(chat, user, replies)
    if ticket is not None:
        row.ticket = ticket
        chat.last_ticket = ticket
        chat.save(update_fields=["last_ticket"])
    row.status = TelegramUpdate.Status.PROCESSED
    row.reason = f"support bot: {replies[-1].kind if replies else 'no reply'}"
    return True


def _press(chat: TelegramChat, user: User, conversation_id: int, index: int) -> list[BotMessage]:
    """A scripted question's button: say its label, if it is still the question on offer."""
    conversation = bot.conversation_get_for(user=user, conversation_id=conversation_id)
    last = conversation.messages.order_by("-id").first()
    labels = last.buttons if last is not None else []
    if index >= len(labels):
        return []
    return bot.conversation_say(user=user, conversation_id=conversation_id, text=labels[index],
                                on_later=_say_later(chat.pk, user))  # fmt: skip


def on_bot_button(chat: TelegramChat, rest: str) -> str:
    """A button under the bot's reply: solved, talk to a person, or an article chosen."""
    user = bot_user(chat)
    action, _sep, tail = rest.partition(":")
    conv, _sep, article = tail.partition(":")
    if user is None or not conv.isdigit():
        return "not the bot's button"
    conversation_id = int(conv)
    if action == "solved":
        replies = [bot.conversation_solved(user=user, conversation_id=conversation_id)]
    elif action == "person":
        replies = [bot.conversation_handover(user=user, conversation_id=conversation_id)]
    elif action == "say" and article.isdigit():
        replies = _press(chat, user, conversation_id, int(article))
    elif action == "choose" and article.isdigit():
        replies = [bot.conversation_choose(user=user, conversation_id=conversation_id,
                                           article_id=int(article))]  # fmt: skip
    else:
        return "unknown bot button"
    ticket = relay(chat, user, replies)
    if ticket is not None:
        chat.last_ticket = ticket
        chat.save(update_fields=["last_ticket"])
    return f"ok: support bot {action}"
