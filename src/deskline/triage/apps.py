from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "deskline.triage"
    label = "triage"

    def ready(self) -> None:
        from deskline.core import refcache
        from deskline.triage.models import TriageFieldSetting, TriageModel

        refcache.watch(TriageModel, TriageFieldSetting)
