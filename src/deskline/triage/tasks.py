"""Background jobs of triage: the weekly retraining, and embedding a ticket's text (the `ml`
extra) when it is created or its title or description changes, then predicting its open
predictions again with the vector (`services.prediction_refresh`)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from deskline.core.jobs import enqueue
from deskline.tickets.models import TicketEvent
from deskline.triage.models import TriageModel

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
    from deskline.triage.training import train_all  # scikit-learn: only in the job that trains

    return [result.message for result in train_all()]


@task()
def triage_embed_ticket(*, ticket_id: int) -> bool:
    """Embed a ticket's text and store the vector (skipped when already current)."""
    from deskline.triage.embedding_store import ticket_embed
    from deskline.triage.services import prediction_refresh

    if not ticket_embed(ticket_id):
        return False
    # The ticket was predicted from its text alone (before its INSERT): the full model now.
    prediction_refresh(ticket_id)
    return True


def embed_on_event(event: TicketEvent) -> None:
    """The `triage.embed` reaction: with embeddings on, a new ticket, or one whose title or
    description changed, gets its vector computed by a job of its own (the model is loaded by
    the worker, never by the web process)."""
    from deskline.triage import embeddings

    if not embeddings.enabled():
        return
    if event.kind == TicketEvent.Kind.UPDATED:
        changed = getattr(event.payload, "fields", {})
        if not {"title", "description"} & set(changed):
            return
    enqueue(triage_embed_ticket, ticket_id=event.ticket_id)
