"""Admin pages for telephony: phone sources (secret shown once), the raw call events with the
quarantine retry, and the calls (read only)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from deskline.channels.phone import call_event_retry, phone_source_token_create
from deskline.channels.phone_models import Call, CallEvent, PhoneSource
from deskline.core.admin import ReadOnlyAdmin


@admin.register(PhoneSource)
class PhoneSourceAdmin(admin.ModelAdmin[PhoneSource]):
    list_display = ["name", "kind", "is_active", "callback_on_missed"]
    list_filter = ["kind", "is_active"]
    actions = ["new_secret"]

    @admin.action(description=_("Make a new endpoint secret (shown once)"))
    def new_secret(self, request: HttpRequest, queryset: QuerySet[PhoneSource]) -> None:
        for source in queryset:
            token = phone_source_token_create(source_id=source.pk)
            self.message_user(
                request,
                f"{source.name}: /api/v1/channels/phone/{source.name} Bearer {token}",
                messages.WARNING,
            )


@admin.register(CallEvent)
class CallEventAdmin(admin.ModelAdmin[CallEvent]):
    list_display = ["received_at", "source", "status", "reason", "call_ids", "deliveries"]
    list_filter = ["status", "source"]
    search_fields = ["reason", "key"]
    readonly_fields = [
        "source", "key", "status", "reason", "call_ids", "deliveries", "attempts",
        "received_at", "processed_at", "raw_text",
    ]  # fmt: skip
    exclude = ["raw"]
    actions = ["retry"]

    @admin.display(description=_("raw event"))
    def raw_text(self, obj: CallEvent) -> str:
        return bytes(obj.raw).decode("utf-8", "replace")

    @admin.action(description=_("Process again"))
    def retry(self, request: HttpRequest, queryset: QuerySet[CallEvent]) -> None:
        for event_id in queryset.values_list("pk", flat=True):
            outcome = call_event_retry(event_id=event_id)
            self.message_user(request, f"event {event_id}: {outcome.status} {outcome.reason}")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = [
        "started_at", "source", "direction", "status", "from_number", "to_number", "extension",
        "contact", "ticket", "callback_ticket",
    ]  # fmt: skip
    list_filter = ["source", "status", "direction"]
    search_fields = ["call_id", "from_number", "to_number", "client_number"]
