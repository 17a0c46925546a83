from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "deskline.sla"
    label = "sla"
    verbose_name = "SLA"

    def ready(self) -> None:
        from deskline.core import refcache
        from deskline.sla.engine import sla_on_event
        from deskline.sla.resolve import WATCHED
        from deskline.tickets.hooks import in_transaction

        # Order 20: after routing (10), so deadlines see the priority and team it set.
        in_transaction("sla.deadlines", order=20)(sla_on_event)
        refcache.watch(*WATCHED)
