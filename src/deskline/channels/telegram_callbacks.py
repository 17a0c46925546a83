"""Inline buttons pressed in Telegram: "add to #N" / "new request" for a message waiting for
the client's choice, and the rating of a resolved ticket (through the feedback app's survey,
so the score, the poor-score call-back and the ticket's rating follow its rules)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from deskline.channels.telegram import bot_client, chat_say
from deskline.channels.telegram_intake import (
    Status,
    chat_for,
    comment_from,
    contact_may_see,
    held_message,
    ticket_from,
)
from deskline.channels.telegram_models import TelegramChat, TelegramUpdate
from deskline.channels.telegramwire import Callback
from deskline.core.errors import DomainError
from deskline.tickets.models import OPEN_PHASES, Ticket

logger = logging.getLogger(__name__)


def _answer_later(row: TelegramUpdate, callback: Callback, text: str) -> None:
    """Stop the button's spinner once committed; a failure here loses nothing."""
    bot = row.bot

    def answer() -> None:
        try:
            bot_client(bot).answer_callback_query(callback_id=callback.callback_id, text=text)
        except Exception:  # noqa: BLE001 - cosmetic: the answer only stops a spinner
            logger.info("answerCallbackQuery failed", exc_info=True)

    if callback.callback_id:
        transaction.on_commit(answer)


def on_callback(row: TelegramUpdate, callback: Callback) -> None:
    if callback.chat_id is None or callback.chat_id != callback.from_id:
        row.status, row.reason = Status.IGNORED, "a button outside a private chat"
        return
    chat = chat_for(row, callback.chat_id)
    verb, _sep, rest = callback.data.partition(":")
    if chat.contact is None:
        outcome = "the chat is not linked"
    elif verb in ("add", "new"):
        outcome = _choose(row, chat, verb, rest)
    elif verb == "rate":
        outcome = _rate(chat, rest)
    elif verb == "kb":
        outcome = _bot_button(chat, rest)
    else:
        outcome = f"unknown button {callback.data[:40]!r}"
    row.status = Status.PROCESSED if outcome.startswith("ok") else Status.IGNORED
    row.reason = outcome[:500]
    _answer_later(row, callback, _("Done") if row.status == Status.PROCESSED else "")


def _choose(row: TelegramUpdate, chat: TelegramChat, verb: str, rest: str) -> str:
    held_pk, _sep, number = rest.partition(":")
    held = (
        TelegramUpdate.objects.select_for_update()
        .select_related("bot")
        .filter(pk=int(held_pk) if held_pk.isdigit() else 0, bot=row.bot, chat_id=chat.chat_id)
        .first()
    )
    if held is None or held.status != Status.HELD:
        return "the message was already placed"
    msg = held_message(held)
    if verb == "new":
        ticket_from(held, chat, msg)
    else:
        ticket = Ticket.objects.filter(number=int(number) if number.isdigit() else 0).first()
        if ticket is None or not contact_may_see(chat, ticket) or ticket.phase not in OPEN_PHASES:
            return "not one of the client's open tickets"
        comment_from(held, chat, msg, ticket)
    held.attempts += 1
    held.save()
    row.ticket = held.ticket
    return (
        f"ok: message {held.update_id} placed on ticket {held.ticket.number if held.ticket else ''}"
    )


def _rate(chat: TelegramChat, rest: str) -> str:
    from deskline.feedback.models import SurveyInvite
    from deskline.feedback.services import survey_answer, survey_invite_pending, survey_token

    number, _sep, score = rest.partition(":")
    ticket = Ticket.objects.filter(number=int(number) if number.isdigit() else 0).first()
    if ticket is None or not contact_may_see(chat, ticket) or not score.isdigit():
        return "not the client's ticket"
    # The invite of this resolution (a second press changes the score), else a new one.
    invite = (
        SurveyInvite.objects.filter(ticket=ticket).order_by("-pk").first()
        if ticket.phase in ("resolved", "closed")
        else None
    ) or survey_invite_pending(ticket=ticket)
    if invite is None:
        return "no survey for this ticket"
    try:
        with transaction.atomic():
            survey_answer(token=survey_token(invite=invite), score=int(score))
    except DomainError as exc:
        return f"rating refused: {exc.message}"
    chat_say(chat=chat, text=_("Thank you for your rating!"), ticket=ticket)
    return f"ok: rated {score} on ticket {ticket.number}"


def _bot_button(chat: TelegramChat, rest: str) -> str:
    from deskline.channels.telegram_selfservice import on_bot_button

    try:
        with transaction.atomic():
            return on_bot_button(chat, rest)
    except DomainError as exc:  # the conversation is over, not the client's, ...
        return f"support bot: {exc.message}"
