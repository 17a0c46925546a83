from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "deskline.routing"
    label = "routing"

    def ready(self) -> None:
        from deskline.core import refcache
        from deskline.routing.automation import automation_on_event
        from deskline.routing.selectors import WATCHED
        from deskline.routing.services import route_on_created
        from deskline.routing.webhooks import webhooks_on_event
        from deskline.tickets.events import on_ticket_event
        from deskline.tickets.hooks import in_transaction

        # Order 10: before the SLA hook (20), so deadlines see the priority the rules set.
        in_transaction("routing.route", order=10)(route_on_created)
        refcache.watch(*WATCHED)
        on_ticket_event("routing.automation")(automation_on_event)
        on_ticket_event("routing.webhooks")(webhooks_on_event)
