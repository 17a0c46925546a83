"""App configuration of the knowledge app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "deskline.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge")

    def ready(self) -> None:
        from deskline.core import refcache
        from deskline.knowledge.mail_suggestions import ack_suggestions
        from deskline.knowledge.models import Synonym
        from deskline.notifications.context import context_provider

        context_provider("ticket_created")(ack_suggestions)
        # The synonym table is read by every search: cached per process, reloaded on a change.
        refcache.watch(Synonym)
