"""The fieldwork app: checklists, time spent, visits on site and their dispatch."""

from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "deskline.fieldwork"
    label = "fieldwork"
    verbose_name = "Field service"

    def ready(self) -> None:
        from deskline.core import refcache
        from deskline.fieldwork import maintenance_payloads, payloads  # noqa: F401  (event kinds)
        from deskline.fieldwork.models import ChecklistTemplate, EngineerProfile
        from deskline.fieldwork.notify import visit_notify
        from deskline.fieldwork.services import checklists_on_created, required_items_guard
        from deskline.tickets.events import on_ticket_event
        from deskline.tickets.guards import status_guard

        refcache.watch(ChecklistTemplate, EngineerProfile)
        status_guard("fieldwork.checklists")(required_items_guard)
        on_ticket_event("fieldwork.checklists", kinds=["created"])(checklists_on_created)
        on_ticket_event("fieldwork.notify", kinds=["visit_status"])(visit_notify)
