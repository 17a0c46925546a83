from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "deskline.core"
    label = "core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate
        from django_tasks.signals import task_finished, task_started

        from deskline.core import pgtime
        from deskline.core.job_recovery import job_finished, job_started
        from deskline.core.statistics import statistics_after_migrate

        task_started.connect(job_started, dispatch_uid="deskline.core.job_started")
        task_finished.connect(job_finished, dispatch_uid="deskline.core.job_finished")
        post_migrate.connect(statistics_after_migrate, sender=self,
                             dispatch_uid="deskline.core.statistics")  # fmt: skip
        connection_created.connect(pgtime.connection_created, dispatch_uid="deskline.core.pgtime")
