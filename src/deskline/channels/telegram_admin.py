"""Admin pages for Telegram: the bot (token write-only and sealed; actions to install the
webhook with a fresh secret or go back to polling), chats and their contacts, the raw updates
with "process again" for quarantined or held ones."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deskline.channels.telegram import bot_client, update_retry, webhook_install
from deskline.channels.telegram_client import BotApiError
from deskline.channels.telegram_models import TelegramBot, TelegramChat, TelegramUpdate
from deskline.channels.vault import seal


class TelegramBotForm(forms.ModelForm[TelegramBot]):
    token = forms.CharField(
        label=_("Bot API token"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("From @BotFather. Stored encrypted and never shown; leave empty to keep it."),
    )

    class Meta:
        model = TelegramBot
        fields = [
            "name", "username", "token", "is_active", "mode", "conversation_minutes",
            "self_service",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.token:
            self.fields["token"].widget.attrs["placeholder"] = _("(stored)")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        new = cleaned.get("token") or ""
        if not new and not self.instance.token:
            self.add_error("token", _("The bot needs its token."))
        value = seal(new) if new else self.instance.token
        cleaned["token"] = value
        self.instance.token = value
        return cleaned


@admin.register(TelegramBot)
class TelegramBotAdmin(admin.ModelAdmin[TelegramBot]):
    form = TelegramBotForm
    list_display = ["name", "username", "is_active", "mode", "last_polled_at", "last_error"]
    readonly_fields = ["update_offset", "last_polled_at", "last_error"]
    actions = ["install_webhook", "use_polling"]

    @admin.action(description=_("Install the webhook (new secret) at DESKLINE_BASE_URL"))
    def install_webhook(self, request: HttpRequest, queryset: QuerySet[TelegramBot]) -> None:
        for bot in queryset:
            try:
                url = webhook_install(bot=bot, base_url=settings.DESKLINE_BASE_URL)
            except BotApiError as exc:
                self.message_user(request, f"{bot.name}: {exc}", messages.ERROR)
                continue
            self.message_user(request, f"{bot.name}: {url}")

    @admin.action(description=_("Remove the webhook and use long polling"))
    def use_polling(self, request: HttpRequest, queryset: QuerySet[TelegramBot]) -> None:
        for bot in queryset:
            try:
                bot_client(bot).delete_webhook()
            except BotApiError as exc:
                self.message_user(request, f"{bot.name}: {exc}", messages.ERROR)
                continue
            queryset.filter(pk=bot.pk).update(mode=TelegramBot.Mode.POLLING)
            self.message_user(request, f"{bot.name}: polling")


@admin.register(TelegramChat)
class TelegramChatAdmin(admin.ModelAdmin[TelegramChat]):
    list_display = ["chat_id", "name", "username", "contact", "linked_by", "linked_at", "bot"]
    list_filter = ["bot", "linked_by"]
    search_fields = ["name", "username", "contact__name"]
    raw_id_fields = ["contact"]
    readonly_fields = [
        "bot", "chat_id", "username", "name", "linked_by", "linked_at", "asked_to_link_at",
        "last_ticket", "last_message_at", "created_at",
    ]  # fmt: skip

    def save_model(self, request: HttpRequest, obj: TelegramChat, form: Any, change: bool) -> None:
        if "contact" in form.changed_data:
            obj.linked_by = TelegramChat.LinkedBy.ADMIN if obj.contact_id else ""
            obj.linked_at = timezone.now() if obj.contact_id else None
        super().save_model(request, obj, form, change)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(TelegramUpdate)
class TelegramUpdateAdmin(admin.ModelAdmin[TelegramUpdate]):
    list_display = [
        "update_id", "bot", "kind", "chat_id", "status", "reason", "ticket", "deliveries",
        "attempts", "received_at",
    ]  # fmt: skip
    list_filter = ["status", "kind", "bot"]
    search_fields = ["reason", "=update_id", "=chat_id"]
    readonly_fields = [
        "bot", "update_id", "kind", "chat_id", "status", "reason", "ticket", "comment",
        "deliveries", "attempts", "received_at", "processed_at", "raw_text",
    ]  # fmt: skip
    exclude = ["raw"]
    actions = ["retry"]

    @admin.display(description=_("raw update"))
    def raw_text(self, obj: TelegramUpdate) -> str:
        return bytes(obj.raw).decode("utf-8", "replace")

    @admin.action(description=_("Process again"))
    def retry(self, request: HttpRequest, queryset: QuerySet[TelegramUpdate]) -> None:
        for pk in queryset.values_list("pk", flat=True):
            outcome = update_retry(update_pk=pk)
            self.message_user(request, outcome.summary)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
