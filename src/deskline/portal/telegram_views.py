"""The portal's "Connect Telegram" page: a one-time code (a t.me deep link `/start CODE`) that
links the client's Telegram chat to their contact; the decisions are the channel's."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from deskline.accounts.models import User
from deskline.channels.telegram import active_bot, link_code_create
from deskline.channels.telegram_models import TelegramChat
from deskline.desk.web import client_page
from deskline.tickets.access import contact_for_client


@client_page
def telegram_connect(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    contact = contact_for_client(user)
    bot = active_bot()
    code = ""
    if request.method == "POST" and bot is not None:
        code = link_code_create(contact=contact)
    context = {
        "bot": bot,
        "code": code,
        "deep_link": f"https://t.me/{bot.username}?start={code}" if bot and code else "",
        "minutes": settings.DESKLINE_TELEGRAM_CODE_MINUTES,
        "chats": TelegramChat.objects.filter(contact=contact, bot__is_active=True),
    }
    return render(request, "portal/telegram.html", context)
