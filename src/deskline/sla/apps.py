from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "deskline.sla"
    label = "sla"
    verbose_name = "SLA"

    def ready(self) -> None:
        from deskline.core import refcache
        from deskline.sla.engine import sla_on_event, stamp_new
        from deskline.sla.resolve import WATCHED
        from deskline.tickets.hooks import before_insert, in_transaction

        # Order 20: after routing (10), so deadlines see the priority and team it set.
        in_transaction("sla.deadlines", order=20)(sla_on_event)
        before_insert("sla.deadlines", order=20)(stamp_new)
        refcache.watch(*WATCHED)
