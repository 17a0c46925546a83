"""Admin: templates (with a live preview), the outbox with retry, preferences."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from deskline.notifications.context import sample_context
from deskline.notifications.models import NotificationPreference, NotificationTemplate, Outbox
from deskline.notifications.rendering import render_message
from deskline.notifications.services import outbox_retry


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin[NotificationTemplate]):
    list_display = ["event", "language", "subject"]
    list_filter = ["event", "language"]
    readonly_fields = ["preview"]

    @admin.display(description="preview (sample values)")
    def preview(self, obj: NotificationTemplate) -> str:
        if not obj.pk:
            return "Save to see a preview."
        try:
            subject, body = render_message(obj.subject, obj.body, sample_context())
        except Exception as exc:
            return f"The template does not render: {exc}"
        return format_html("<strong>{}</strong><pre>{}</pre>", subject, body)


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin[Outbox]):
    list_display = ["created_at", "event", "recipient", "status", "attempts", "last_error"]
    list_filter = ["status", "event", "channel"]
    search_fields = ["recipient", "subject", "message_id"]
    readonly_fields = [f.name for f in Outbox._meta.fields]
    actions = ["retry"]

    @admin.action(description="Send again")
    def retry(self, request: HttpRequest, queryset: QuerySet[Outbox]) -> None:
        for outbox_id in queryset.values_list("pk", flat=True):
            outbox_retry(outbox_id=outbox_id)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin[NotificationPreference]):
    list_display = ["user", "event", "channel", "enabled"]
    list_filter = ["event", "channel", "enabled"]
