"""The portal's chat widget (/portal/help/chat/): the support bot for a signed-in client.

The conversation's id lives in the session; every button posts with htmx and gets the whole
conversation back. All decisions are the bot's (`knowledge.bot`); this only adapts.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from deskline.accounts.models import User
from deskline.core.errors import DomainError, NotFound
from deskline.desk.web import client_page
from deskline.knowledge import bot
from deskline.knowledge.article_selectors import article_get_for
from deskline.knowledge.bot_models import BotMessage, Conversation

SESSION_KEY = "kb_chat"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _conversation(request: HttpRequest, *, fresh: bool = False) -> Conversation:
    user = _user(request)
    pk = request.session.get(SESSION_KEY)
    if pk and not fresh:
        try:
            return bot.conversation_get_for(user=user, conversation_id=int(pk))
        except NotFound:
            pass
    conversation = bot.conversation_start(user=user, channel="portal")
    request.session[SESSION_KEY] = conversation.pk
    return conversation


def _render(request: HttpRequest, conversation: Conversation, error: str = "") -> HttpResponse:
    messages = list(conversation.messages.select_related("article"))
    offered: list[object] = []
    if messages and messages[-1].kind == BotMessage.Kind.CLARIFY:
        offered = [article_get_for(user=_user(request), article_id=pk)
                   for pk in messages[-1].choices]  # fmt: skip
    context = {
        "conversation": conversation, "messages": messages, "offered": offered, "error": error,
        "answered": any(m.kind in bot.ANSWERED for m in messages),
        "buttons": messages[-1].buttons if messages else [],
        "open": conversation.state == Conversation.State.OPEN,
    }  # fmt: skip
    template = "portal/help/_chat.html" if request.method == "POST" else "portal/help/chat.html"
    return render(request, template, context)


@client_page
def chat(request: HttpRequest) -> HttpResponse:
    return _render(request, _conversation(request))


@require_POST
@client_page
def chat_act(request: HttpRequest, action: str) -> HttpResponse:
    """One step: say, choose, solved, handover, or restart."""
    user = _user(request)
    conversation = _conversation(request, fresh=action == "restart")
    error = ""
    try:
        if action == "say":
            bot.conversation_say(user=user, conversation_id=conversation.pk,
                                 text=request.POST.get("text", ""))  # fmt: skip
        elif action == "choose":
            article_id = request.POST.get("article_id", "")
            if not article_id.isdigit():
                raise Http404
            bot.conversation_choose(user=user, conversation_id=conversation.pk,
                                    article_id=int(article_id))  # fmt: skip
        elif action == "solved":
            bot.conversation_solved(user=user, conversation_id=conversation.pk)
        elif action == "handover":
            bot.conversation_handover(user=user, conversation_id=conversation.pk)
        elif action != "restart":
            raise Http404
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        error = exc.message
    conversation.refresh_from_db()
    return _render(request, conversation, error)
