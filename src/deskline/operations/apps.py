from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "deskline.operations"
    label = "operations"

    def ready(self) -> None:
        from deskline.operations.audit import audit_connect

        audit_connect()
