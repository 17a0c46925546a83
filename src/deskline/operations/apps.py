from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "deskline.operations"
    label = "operations"
