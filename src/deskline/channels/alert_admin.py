"""Admin pages for monitoring: alert sources (secret shown once), mapping rules, the raw
payloads with the quarantine retry, and the alerts' deduplication state (read only)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from deskline.channels.alert_models import Alert, AlertPayload, AlertRule, AlertSource
from deskline.channels.alerts import alert_payload_retry, alert_source_token_create
from deskline.core.admin import ReadOnlyAdmin


class AlertRuleInline(admin.TabularInline[AlertRule, AlertSource]):
    model = AlertRule
    extra = 1
    fields = ["order", "label", "pattern", "company", "site", "equipment", "is_active"]
    raw_id_fields = ["company", "site", "equipment"]


@admin.register(AlertSource)
class AlertSourceAdmin(admin.ModelAdmin[AlertSource]):
    list_display = ["name", "kind", "is_active", "default_company", "resolve_on_recovery"]
    list_filter = ["kind", "is_active"]
    raw_id_fields = ["default_company"]
    inlines = [AlertRuleInline]
    actions = ["new_secret"]

    @admin.action(description=_("Make a new endpoint secret (shown once)"))
    def new_secret(self, request: HttpRequest, queryset: QuerySet[AlertSource]) -> None:
        for source in queryset:
            token = alert_source_token_create(source_id=source.pk)
            self.message_user(
                request,
                f"{source.name}: /api/v1/channels/alerts/{source.name} Bearer {token}",
                messages.WARNING,
            )


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin[AlertRule]):
    list_display = ["order", "source", "label", "pattern", "company", "site", "equipment"]
    list_display_links = ["label"]
    list_editable = ["order"]
    list_filter = ["source", "is_active"]
    raw_id_fields = ["company", "site", "equipment"]


@admin.register(AlertPayload)
class AlertPayloadAdmin(admin.ModelAdmin[AlertPayload]):
    list_display = ["received_at", "source", "status", "reason", "deliveries", "attempts"]
    list_filter = ["status", "source"]
    search_fields = ["reason", "key"]
    readonly_fields = [
        "source", "key", "status", "reason", "fingerprints", "deliveries", "attempts",
        "received_at", "processed_at", "raw_text",
    ]  # fmt: skip
    exclude = ["raw"]
    actions = ["retry"]

    @admin.display(description=_("raw payload"))
    def raw_text(self, obj: AlertPayload) -> str:
        return bytes(obj.raw).decode("utf-8", "replace")

    @admin.action(description=_("Process again"))
    def retry(self, request: HttpRequest, queryset: QuerySet[AlertPayload]) -> None:
        for payload_id in queryset.values_list("pk", flat=True):
            outcome = alert_payload_retry(payload_id=payload_id)
            self.message_user(request, f"payload {payload_id}: {outcome.status} {outcome.reason}")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = [
        "name", "source", "severity", "is_firing", "ticket", "site", "firing_count", "flaps",
        "last_fired_at",
    ]  # fmt: skip
    list_filter = ["source", "is_firing"]
    search_fields = ["name", "fingerprint"]
