"""REST endpoints of the support bot under /api/v1/bot/: a client's conversation (start it,
post a message and get the replies with the actions on offer, pick an article, say it is
solved, or hand over to a person)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from deskline.accounts.api_auth import request_user
from deskline.core.schema import InSchema
from deskline.knowledge import bot
from deskline.knowledge.bot_models import BotMessage, Conversation

router = Router(tags=["bot"])


class MessageOut(Schema):
    id: int
    kind: str
    text: str
    article_id: int | None
    choices: list[int]
    #: A scripted question's buttons: answering is saying one of these labels.
    buttons: list[str]
    created_at: dt.datetime


class ConversationOut(Schema):
    id: int
    state: str
    ticket_number: int | None
    messages: list[MessageOut]
    #: What the client may do next: "say", "choose", "solved", "handover".
    actions: list[str]


def _out(conversation: Conversation) -> dict[str, Any]:
    messages = list(conversation.messages.all())
    actions: list[str] = []
    if conversation.state == Conversation.State.OPEN:
        actions = ["say", "handover"]
        last = messages[-1] if messages else None
        if last is not None and last.kind == BotMessage.Kind.CLARIFY:
            actions.append("choose")
        if any(m.kind in bot.ANSWERED for m in messages):
            actions.append("solved")
    return {
        "id": conversation.pk, "state": conversation.state,
        "ticket_number": conversation.ticket.number if conversation.ticket else None,
        "messages": messages, "actions": actions,
    }  # fmt: skip


def _reloaded(request: HttpRequest, conversation_id: int) -> dict[str, Any]:
    user = request_user(request)
    return _out(bot.conversation_get_for(user=user, conversation_id=conversation_id))


@router.post("/conversations", response={201: ConversationOut}, summary="Start (clients)")
def start(request: HttpRequest) -> Status[Any]:
    return Status(201, _out(bot.conversation_start(user=request_user(request), channel="api")))


@router.get("/conversations/{conversation_id}", response=ConversationOut, summary="Read one")
def get(request: HttpRequest, conversation_id: int) -> dict[str, Any]:
    return _reloaded(request, conversation_id)


class SayIn(InSchema):
    text: str = Field(..., min_length=1, max_length=2000)


@router.post("/conversations/{conversation_id}/messages", response=ConversationOut,
             summary="Say something; the bot replies")  # fmt: skip
def say(request: HttpRequest, conversation_id: int, payload: SayIn) -> dict[str, Any]:
    bot.conversation_say(
        user=request_user(request), conversation_id=conversation_id, text=payload.text
    )
    return _reloaded(request, conversation_id)


class ChooseIn(InSchema):
    article_id: int


@router.post("/conversations/{conversation_id}/choose", response=ConversationOut,
             summary="Pick one of the offered articles")  # fmt: skip
def choose(request: HttpRequest, conversation_id: int, payload: ChooseIn) -> dict[str, Any]:
    bot.conversation_choose(
        user=request_user(request), conversation_id=conversation_id, article_id=payload.article_id
    )
    return _reloaded(request, conversation_id)


@router.post("/conversations/{conversation_id}/solved", response=ConversationOut,
             summary="The answer solved it (no ticket)")  # fmt: skip
def solved(request: HttpRequest, conversation_id: int) -> dict[str, Any]:
    bot.conversation_solved(user=request_user(request), conversation_id=conversation_id)
    return _reloaded(request, conversation_id)


@router.post("/conversations/{conversation_id}/handover", response=ConversationOut,
             summary="Hand over to a person: a ticket with the conversation")  # fmt: skip
def handover(request: HttpRequest, conversation_id: int) -> dict[str, Any]:
    bot.conversation_handover(user=request_user(request), conversation_id=conversation_id)
    return _reloaded(request, conversation_id)
