"""App configuration of the knowledge app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "deskline.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge")
