from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "deskline.routing"
    label = "routing"

    def ready(self) -> None:
        from deskline.core import refcache
        from deskline.routing.automation import automation_on_event
        from deskline.routing.decider import route_new_ticket, tags_on_created
        from deskline.routing.selectors import ROSTER_FIELDS, WATCHED, some_team_compares_loads
        from deskline.tickets.deciders import ticket_decider
        from deskline.tickets.events import on_ticket_event
        from deskline.tickets.observers import ticket_observer

        ticket_decider("routing", stage="route", needs_transaction=some_team_compares_loads)(
            route_new_ticket
        )
        ticket_observer("routing.tags")(tags_on_created)
        refcache.watch(*WATCHED)
        for model, (fields, creates) in ROSTER_FIELDS.items():
            refcache.watch_fields(model, fields, creates=creates)
        on_ticket_event("routing.automation")(automation_on_event)
