from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "deskline.tickets"
    label = "tickets"
    verbose_name = "Tickets"
