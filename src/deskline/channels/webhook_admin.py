"""Admin pages for outgoing webhook subscriptions and their delivery log."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from deskline.channels.webhook_models import WebhookDelivery, WebhookSubscription


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin[WebhookSubscription]):
    list_display = ["name", "url", "is_active", "consecutive_failures", "disabled_at"]
    list_filter = ["is_active"]
    readonly_fields = ["consecutive_failures", "disabled_at", "disabled_reason"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin[WebhookDelivery]):
    list_display = ["pk", "subscription", "state", "attempts", "last_status", "created_at"]
    list_filter = ["state", "subscription"]
    raw_id_fields = ["event"]

    def has_add_permission(self, request: HttpRequest) -> bool:  # a log of deliveries
        return False
