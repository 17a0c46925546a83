from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "deskline.routing"
    label = "routing"
