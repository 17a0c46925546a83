"""Admin building blocks owned by core, and what a sandbox kept instead of sending."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from deskline.core.models import OutboundLog


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Pages for logs and records nobody edits by hand: listed and shown, never changed."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboundLog)
class OutboundLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "recipient", "subject"]
    list_filter = ["channel"]
    search_fields = ["recipient", "subject"]
