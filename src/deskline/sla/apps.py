from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "deskline.sla"
    label = "sla"
    verbose_name = "SLA"

    def ready(self) -> None:
        from deskline.core import refcache
        from deskline.sla.engine import sla_decide, sla_derive, sla_observe
        from deskline.sla.resolve import WATCHED
        from deskline.sla.selectors import (
            at_risk_filter,
            at_risk_parts,
            at_risk_row,
            overdue_filter,
            overdue_parts,
            overdue_row,
        )
        from deskline.tickets.conditions import ticket_condition
        from deskline.tickets.deciders import ticket_decider, ticket_deriver
        from deskline.tickets.observers import ticket_observer

        ticket_decider("sla", stage="derive")(sla_decide)
        ticket_deriver("sla")(sla_derive)
        ticket_observer("sla")(sla_observe)
        ticket_condition("overdue", per_row=overdue_row, parts=overdue_parts)(overdue_filter)
        ticket_condition("at_risk", per_row=at_risk_row, parts=at_risk_parts)(at_risk_filter)
        refcache.watch(*WATCHED)
