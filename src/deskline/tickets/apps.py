from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "deskline.tickets"
    label = "tickets"
    verbose_name = "Tickets"

    def ready(self) -> None:
        from deskline.core import refcache
        from deskline.core.errors import conflict_renderer
        from deskline.tickets.config_cache import WATCHED
        from deskline.tickets.models import Ticket
        from deskline.tickets.schemas import ticket_out

        refcache.watch(*WATCHED)
        conflict_renderer(Ticket)(ticket_out)
