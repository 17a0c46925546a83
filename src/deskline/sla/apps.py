from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "deskline.sla"
    label = "sla"
