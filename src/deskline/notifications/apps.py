from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "deskline.notifications"
    label = "notifications"

    def ready(self) -> None:
        from deskline.notifications.reactions import on_event
        from deskline.tickets.events import on_ticket_event

        on_ticket_event("notifications")(on_event)
