"""Admin pages for ticket settings (statuses, transitions, types, priorities, fields).

Tickets themselves are read-only here: every change goes through the ticket services.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from deskline.core.admin import ReadOnlyAdmin
from deskline.tickets.events import failure_retry
from deskline.tickets.models import (
    Category,
    CustomField,
    EventReactionFailure,
    Priority,
    Status,
    StatusTransition,
    Ticket,
    TicketEvent,
    TicketType,
)


class TransitionInline(admin.TabularInline[StatusTransition, Any]):
    model = StatusTransition
    fk_name = "from_status"
    extra = 1


@admin.register(Status)
class StatusAdmin(admin.ModelAdmin[Status]):
    list_display = ("code", "name", "phase", "color", "order", "is_initial", "is_active")
    list_editable = ("order",)
    inlines = [TransitionInline]


@admin.register(StatusTransition)
class StatusTransitionAdmin(admin.ModelAdmin[StatusTransition]):
    list_display = ("from_status", "to_status", "comment_required", "clients_may_use")


@admin.register(TicketType)
class TicketTypeAdmin(admin.ModelAdmin[TicketType]):
    list_display = ("code", "name", "open_to_clients", "is_default")


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin[Priority]):
    list_display = ("code", "name", "weight", "color", "is_default")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("name", "parent", "is_active")


@admin.register(CustomField)
class CustomFieldAdmin(admin.ModelAdmin[CustomField]):
    list_display = ("code", "name", "field_type", "required", "visible_to_clients")
    filter_horizontal = ("ticket_types",)


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "title",
        "status",
        "priority",
        "company",
        "team",
        "assignee",
        "updated_at",
    )
    list_select_related = ("status", "priority", "company", "team", "assignee")
    search_fields = ("=number",)
    show_full_result_count = False


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "kind", "actor", "created_at", "dispatched_at")
    list_select_related = ("ticket", "actor")
    show_full_result_count = False


@admin.register(EventReactionFailure)
class EventReactionFailureAdmin(admin.ModelAdmin[EventReactionFailure]):
    """Reactions that raised on an event: retried by the sweeper, or given up (retry by hand)."""

    list_display = (
        "reaction",
        "event",
        "attempts",
        "next_attempt_at",
        "given_up_at",
        "resolved_at",
    )
    list_filter = ("reaction", ("given_up_at", admin.EmptyFieldListFilter))
    readonly_fields = [f.name for f in EventReactionFailure._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Retry the selected reactions now")
    def retry_now(self, request: HttpRequest, queryset: Any) -> None:
        succeeded = sum(failure_retry(f.pk, force=True) for f in queryset)
        self.message_user(request, f"{succeeded} of {queryset.count()} succeeded.")
