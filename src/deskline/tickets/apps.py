from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "deskline.tickets"
    label = "tickets"
    verbose_name = "Tickets"

    def ready(self) -> None:
        from deskline.core import refcache
        from deskline.tickets.configuration import WATCHED

        refcache.watch(*WATCHED)
