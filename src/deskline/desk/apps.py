from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "deskline.desk"
    label = "desk"
