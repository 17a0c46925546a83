from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "deskline.tickets"
    label = "tickets"
    verbose_name = "Tickets"

    def ready(self) -> None:
        from deskline.clients.selectors import registry_ticket_scope
        from deskline.core import refcache
        from deskline.core.errors import conflict_renderer
        from deskline.tickets.access import registry_values_on_visible_tickets
        from deskline.tickets.config_cache import WATCHED
        from deskline.tickets.guards import status_guard
        from deskline.tickets.models import Ticket
        from deskline.tickets.required_fields import required_fields_guard
        from deskline.tickets.schemas import ticket_out

        refcache.watch(*WATCHED)
        conflict_renderer(Ticket)(ticket_out)
        registry_ticket_scope(registry_values_on_visible_tickets)
        status_guard("tickets.required_fields")(required_fields_guard)
