"""Background jobs of triage: the weekly retraining."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from deskline.triage.models import TriageModel
from deskline.triage.training import train_all

RETRAIN_EVERY = dt.timedelta(days=7)


def retrain_due(now: dt.datetime) -> bool:
    """A week since the last training (the scheduler's own clock restarts with the process)."""
    last = TriageModel.objects.order_by("-trained_at").values_list("trained_at", flat=True).first()
    return last is None or now - last >= RETRAIN_EVERY


@task()
def triage_retrain(*, force: bool = False) -> list[str]:
    """Retrain every field's model when a week has passed; the messages of what happened."""
    if not force and not retrain_due(timezone.now()):
        return []
    return [result.message for result in train_all()]
