"""Admin: mailboxes (IMAP settings, push token) and inbound mail with quarantine retry."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from deskline.channels.models import InboundMessage, Mailbox
from deskline.channels.services import inbound_retry, mailbox_token_create


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin[Mailbox]):
    list_display = ["name", "address", "imap_host", "is_active", "last_polled_at", "last_error"]
    readonly_fields = ["uid_validity", "last_uid", "last_polled_at", "last_error"]
    exclude = ["token_digest"]
    actions = ["new_push_token"]

    @admin.action(description="Make a new push token (shown once)")
    def new_push_token(self, request: HttpRequest, queryset: QuerySet[Mailbox]) -> None:
        for mailbox in queryset:
            token = mailbox_token_create(mailbox_id=mailbox.pk)
            self.message_user(request, f"{mailbox.name}: {token}", messages.WARNING)


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin[InboundMessage]):
    list_display = ["received_at", "mailbox", "sender", "subject", "status", "reason", "ticket"]
    list_filter = ["status", "mailbox"]
    search_fields = ["sender", "subject", "message_id", "reason"]
    readonly_fields = [
        "mailbox", "message_key", "message_id", "sender", "subject", "status", "reason", "ticket",
        "comment", "attempts", "received_at", "processed_at", "raw_text",
    ]  # fmt: skip
    exclude = ["raw"]
    actions = ["retry"]

    @admin.display(description="raw message")
    def raw_text(self, obj: InboundMessage) -> str:
        return bytes(obj.raw).decode("utf-8", "replace")

    @admin.action(description="Process again")
    def retry(self, request: HttpRequest, queryset: QuerySet[InboundMessage]) -> None:
        for inbound_id in queryset.values_list("pk", flat=True):
            result = inbound_retry(inbound_id=inbound_id)
            self.message_user(request, f"message {inbound_id}: {result.summary}")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
