"""What a stored Telegram update does, inside `update_process`'s transaction (or a batch's).

A message from a linked chat becomes a comment (a reply to one of our messages about a
ticket, or the running conversation within the bot's window) or a new ticket; when the client
has open tickets and no conversation runs, the message waits for their choice ("add to #N" or
"new request" buttons). `/start CODE` and a shared phone number link a chat to a contact; an
unlinked chat's messages are held and processed once it is linked. Edits and deletions become
internal notes; nothing already written is changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deskline.accounts.system import system_user
from deskline.channels import telegram_linking as linking
from deskline.channels.telegram import chat_say
from deskline.channels.telegram_files import attach_files
from deskline.channels.telegram_models import (
    TelegramBot,
    TelegramChat,
    TelegramMessage,
    TelegramUpdate,
)
from deskline.channels.telegram_selfservice import ask_the_bot
from deskline.channels.telegramwire import IncomingMessage, Update, read_update, ticket_title
from deskline.core.errors import DomainError
from deskline.tickets.models import OPEN_PHASES, Phase, Ticket
from deskline.tickets.services import comment_add, ticket_create, ticket_link, ticket_reopen

Status = TelegramUpdate.Status
CHANNEL = "telegram"
MAX_CHOICES = 3


def _set(row: TelegramUpdate, status: str, reason: str = "") -> None:
    row.status, row.reason = status, reason[:500]


def handle_update(row: TelegramUpdate, update: Update) -> None:
    if update.message is not None and update.kind in ("message", "business_message"):
        return _on_message(row, update.message)
    if update.message is not None:
        return _on_edit(row, update.message)
    if update.callback is not None:
        from deskline.channels.telegram_callbacks import on_callback

        return on_callback(row, update.callback)
    if update.kind == "deleted_business_messages" and update.chat_id is not None:
        return _on_deleted(row, update.chat_id, update.deleted_ids)
    return _set(row, Status.IGNORED, f"{update.kind} updates are not used")


#: The attribute a prefetched chat rides on (the first update of each chat in a batch) and the
#: one listing a chat's changed fields not yet saved (saved with its next write).
_PREFETCHED = "_telegram_chat"
_UNSAVED = "_telegram_unsaved"


def _chat_id_of(update: Update) -> int | None:
    if update.message is not None:
        return update.message.chat_id
    if update.callback is not None:
        return update.callback.chat_id
    return update.chat_id


def prefetch_chats(bot: TelegramBot, rows: list[TelegramUpdate], read: dict[int, Any]) -> None:
    """Lock and read the chats of a batch of updates in one query (with contacts and running
    tickets); each rides on the first update of its chat. Later updates of the same chat read
    it again, as the first may have changed it (and its ticket)."""
    wanted: dict[int, TelegramUpdate] = {}
    for row in rows:
        update = read.get(row.pk)
        chat_id = _chat_id_of(update) if isinstance(update, Update) else None
        if chat_id is not None and chat_id not in wanted:
            wanted[chat_id] = row
    if not wanted:
        return
    locked = TelegramChat.objects.select_for_update(of=("self",)).select_related(
        "contact", "last_ticket"
    )
    for chat in locked.filter(bot=bot, chat_id__in=wanted).order_by("pk"):
        setattr(wanted[chat.chat_id], _PREFETCHED, chat)


def chat_for(row: TelegramUpdate, chat_id: int, msg: IncomingMessage | None = None) -> TelegramChat:
    """The chat, locked for this update (created on its first message), with its contact and
    its running ticket read in the same query (or in the batch's, see `prefetch_chats`). A new
    username or name is saved with the chat's next write (`chat_save`)."""
    chat: TelegramChat | None = getattr(row, _PREFETCHED, None)
    if chat is not None:
        delattr(row, _PREFETCHED)
    if chat is None or chat.chat_id != chat_id:
        locked = TelegramChat.objects.select_for_update(of=("self",)).select_related(
            "contact", "last_ticket"
        )
        chat = locked.filter(bot=row.bot, chat_id=chat_id).first()
        if chat is None:
            TelegramChat.objects.get_or_create(
                bot=row.bot, chat_id=chat_id, defaults={"created_at": timezone.now()}
            )
            chat = locked.get(bot=row.bot, chat_id=chat_id)
    if msg is not None and (msg.username, msg.name) != (chat.username, chat.name):
        chat.username, chat.name = msg.username, msg.name
        setattr(chat, _UNSAVED, ["username", "name"])
    return chat


def chat_save(chat: TelegramChat, fields: list[str]) -> None:
    """Save `fields` of the chat and any changes `chat_for` left unsaved, in one UPDATE."""
    unsaved: list[str] = getattr(chat, _UNSAVED, [])
    if unsaved:
        delattr(chat, _UNSAVED)
    fields = [*fields, *(f for f in unsaved if f not in fields)]
    if fields:
        chat.save(update_fields=fields)


def _on_message(row: TelegramUpdate, msg: IncomingMessage) -> None:
    if msg.chat_type not in ("private", ""):
        return _set(row, Status.IGNORED, f"not a private chat ({msg.chat_type})")
    chat = chat_for(row, msg.chat_id, msg)
    _message_in_chat(row, chat, msg)
    chat_save(chat, [])  # the new name, when nothing else saved the chat
    return None


def _message_in_chat(row: TelegramUpdate, chat: TelegramChat, msg: IncomingMessage) -> None:
    linked = linking.link_from_message(chat, msg)
    if linked is not None:
        return _set(row, Status.PROCESSED if linked.ok else Status.IGNORED, linked.reason)
    if chat.contact is None:
        linking.ask_to_link(chat)
        return _set(row, Status.HELD, "unlinked chat: kept until the client links it")
    return _converse(row, chat, msg)


def contact_may_see(chat: TelegramChat, ticket: Ticket) -> bool:
    contact = chat.contact
    if contact is None:
        return False
    if ticket.contact_id == contact.pk:
        return True
    return bool(
        contact.sees_company_tickets
        and contact.company_id is not None
        and ticket.company_id == contact.company_id
    )


def _replied_ticket(row: TelegramUpdate, chat: TelegramChat, msg: IncomingMessage) -> Ticket | None:
    if msg.reply_to is None:
        return None
    found = (
        TelegramMessage.objects.filter(bot=row.bot, chat_id=chat.chat_id, message_id=msg.reply_to)
        .select_related("ticket")
        .first()
    )
    if found is None or not contact_may_see(chat, found.ticket):
        return None
    return found.ticket


def _running_ticket(row: TelegramUpdate, chat: TelegramChat) -> Ticket | None:
    ticket = chat.last_ticket
    if ticket is None or chat.last_message_at is None or ticket.phase not in OPEN_PHASES:
        return None
    window = dt.timedelta(minutes=row.bot.conversation_minutes)
    return ticket if timezone.now() - chat.last_message_at <= window else None


def open_tickets(chat: TelegramChat) -> list[Ticket]:
    contact = chat.contact
    if contact is None:
        return []
    return list(
        Ticket.objects.filter(contact=contact, phase__in=OPEN_PHASES).order_by("-pk")[:MAX_CHOICES]
    )


def _converse(row: TelegramUpdate, chat: TelegramChat, msg: IncomingMessage) -> None:
    ticket = _replied_ticket(row, chat, msg) or _running_ticket(row, chat)
    if ticket is not None:
        return comment_from(row, chat, msg, ticket)
    choices = open_tickets(chat)
    if choices:
        return _ask_which(row, chat, choices)
    if ask_the_bot(row, chat, msg):
        chat.last_message_at = timezone.now()
        chat_save(chat, ["last_message_at"])
        return None
    return ticket_from(row, chat, msg)


def _ask_which(row: TelegramUpdate, chat: TelegramChat, choices: list[Ticket]) -> None:
    buttons = [
        [{"text": _("Add to #%(n)s %(t)s") % {"n": t.number, "t": t.title[:40]},
          "callback_data": f"add:{row.pk}:{t.number}"}]
        for t in choices
    ]  # fmt: skip
    buttons.append([{"text": _("New request"), "callback_data": f"new:{row.pk}"}])
    chat_say(
        chat=chat,
        text=_("You have open requests. Add this message to one of them, or start a new one?"),
        reply_markup={"inline_keyboard": buttons},
    )
    _set(row, Status.HELD, "choice: waiting for the client to pick a ticket")


def _remember(
    row: TelegramUpdate, chat: TelegramChat, msg: IncomingMessage, ticket: Ticket
) -> None:
    TelegramMessage.objects.bulk_create(
        [TelegramMessage(bot=row.bot, chat_id=chat.chat_id, message_id=msg.message_id,
                         direction="in", ticket=ticket, comment_id=row.comment_id,
                         created_at=timezone.now())],
        ignore_conflicts=True,  # the same message remembered before: keep the first
    )  # fmt: skip
    chat.last_ticket, chat.last_message_at = ticket, timezone.now()
    chat_save(chat, ["last_ticket", "last_message_at"])


def ticket_from(
    row: TelegramUpdate, chat: TelegramChat, msg: IncomingMessage, *, earlier: int | None = None
) -> None:
    contact = chat.contact
    assert contact is not None
    fallback = _("Telegram message from %(name)s") % {"name": contact.name}
    ticket = ticket_create(
        actor=None,
        channel=CHANNEL,
        title=ticket_title(msg.text, fallback=fallback)[:300],
        description=msg.text or fallback,
        contact_id=contact.pk,
        company_id=contact.company_id,
    )
    row.ticket = ticket
    if earlier is not None:
        ticket_link(actor=system_user(CHANNEL), number=ticket.number, other_number=earlier)
    notes = attach_files(row.bot, msg, ticket.number, None)
    _remember(row, chat, msg, ticket)
    _set(row, Status.PROCESSED, notes)


def comment_from(
    row: TelegramUpdate, chat: TelegramChat, msg: IncomingMessage, ticket: Ticket
) -> None:
    if ticket.phase == Phase.CLOSED:  # a closed ticket stays closed: a new one, linked
        return ticket_from(row, chat, msg, earlier=ticket.number)
    contact = chat.contact
    assert contact is not None
    comment = comment_add(
        actor=None,
        number=ticket.number,
        body=msg.text or _("(attachment)"),
        channel=CHANNEL,
        author_contact_id=contact.pk,
        author_contact=contact,
    )
    row.ticket, row.comment = ticket, comment
    notes = attach_files(row.bot, msg, ticket.number, comment.pk)
    _remember(row, chat, msg, ticket)
    reason = _reopen(comment.ticket)
    _set(row, Status.PROCESSED, "; ".join(n for n in (notes, reason) if n))


def _reopen(ticket: Ticket) -> str:
    """A client writing on a resolved ticket reopens it when its status says so."""
    if ticket.phase != Phase.RESOLVED:  # as locked by the comment just added: rarely resolved
        return ""
    ticket.refresh_from_db(fields=["phase", "status"])
    if ticket.phase != Phase.RESOLVED or not ticket.status.reopens_on_client_reply:
        return ""
    try:
        with transaction.atomic():
            ticket_reopen(
                actor=system_user(CHANNEL), number=ticket.number,
                comment=_("Reopened: the client wrote in Telegram about the resolved ticket."),
            )  # fmt: skip
    except DomainError as exc:
        return f"not reopened: {exc.message}"
    return ""


def held_message(row: TelegramUpdate) -> IncomingMessage:
    update = read_update(bytes(row.raw))
    assert update.message is not None
    return update.message


def _note(ticket: Ticket, text: str) -> Any:
    return comment_add(
        actor=system_user(CHANNEL), number=ticket.number, body=text, is_public=False,
        channel=CHANNEL,
    )  # fmt: skip


def _on_edit(row: TelegramUpdate, msg: IncomingMessage) -> None:
    known = (
        TelegramMessage.objects.filter(
            bot=row.bot, chat_id=msg.chat_id, message_id=msg.message_id, direction="in"
        )
        .select_related("ticket")
        .first()
    )
    if known is None:
        return _set(row, Status.IGNORED, "an edit of a message that is on no ticket")
    row.ticket = known.ticket
    row.comment = _note(
        known.ticket,
        _("The client edited their Telegram message; the new text (the original stays as it "
          "was):\n\n%(text)s") % {"text": msg.text or _("(no text)")},
    )  # fmt: skip
    _set(row, Status.PROCESSED, "edit recorded as an internal note")


def _on_deleted(row: TelegramUpdate, chat_id: int, message_ids: tuple[int, ...]) -> None:
    known = TelegramMessage.objects.filter(
        bot=row.bot, chat_id=chat_id, message_id__in=message_ids, direction="in"
    ).select_related("ticket")
    noted = 0
    for item in known:
        _note(item.ticket, _("The client deleted a Telegram message; the copy here is kept."))
        row.ticket = item.ticket
        noted += 1
    _set(row, Status.PROCESSED if noted else Status.IGNORED, f"{noted} deletions noted")


def max_upload() -> int:
    return int(settings.DESKLINE_MAX_UPLOAD_BYTES)
