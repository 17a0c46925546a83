from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "deskline.portal"
    label = "portal"
