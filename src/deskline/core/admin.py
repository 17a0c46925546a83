"""Admin pages owned by core: what a sandbox kept instead of sending."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from deskline.core.models import OutboundLog


@admin.register(OutboundLog)
class OutboundLogAdmin(admin.ModelAdmin[OutboundLog]):
    list_display = ["created_at", "channel", "recipient", "subject"]
    list_filter = ["channel"]
    search_fields = ["recipient", "subject"]
    readonly_fields = ["created_at", "channel", "recipient", "subject", "body"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
