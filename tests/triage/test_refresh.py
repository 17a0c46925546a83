"""A new ticket is predicted from its text before its INSERT; once the embedding job has stored
its vector, the full model (TF-IDF and embeddings fused) predicts it again: open suggestions
change, apply mode still respects its threshold, and what a person set is never touched."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pytest
from django.utils import timezone

from deskline.tickets.models import Phase, Ticket, TicketEvent
from deskline.tickets.services import ticket_update
from deskline.triage import classifier, embeddings
from deskline.triage.compact import CompactClassifier
from deskline.triage.models import TicketPrediction, TriageModel
from deskline.triage.selectors import next_version, training_samples
from deskline.triage.tasks import triage_embed_ticket
from deskline.triage.training import dump_classifier
from tests.triage.conftest import TOPICS, topic_examples

pytestmark = pytest.mark.django_db
#: The text says "printer"; the marker (which only the encoder sees) says network.
TEXT = "printer jams paper zznet"
#: Between printers and networks for the text; email, or network and email, for the encoder.
MIXED = "printer and wifi trouble zzmail"
MARKERS = {"zznet": "Network", "zzmail": "Email"}


class MarkerEncoder:
    """The direction of the topic a marker word names, else of the topic a phrase belongs to."""

    name, dim = "test-marker", len(TOPICS)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        names = list(TOPICS)
        rows = np.full((len(texts), self.dim), 0.05, dtype=np.float32)
        for i, text in enumerate(texts):
            topic = next((t for m, t in MARKERS.items() if m in text), None)
            topic = topic or next((t for t, ps in TOPICS.items() if any(p in text for p in ps)), "")
            if topic:
                rows[i, names.index(topic)] = 1.0
        return np.asarray(rows / np.linalg.norm(rows, axis=1, keepdims=True))


@pytest.fixture
def encoder() -> Iterator[MarkerEncoder]:
    fake = MarkerEncoder()
    embeddings.use_encoder(fake)
    yield fake
    embeddings.use_encoder(None)


@pytest.fixture
def fused_model(categories: Any, encoder: MarkerEncoder) -> TriageModel:
    texts, values = topic_examples({name: c.pk for name, c in categories.items()})
    rng = np.random.default_rng(0)
    vectors = encoder.encode(texts) + 0.02 * rng.standard_normal((len(texts), encoder.dim))
    model = classifier.train(texts, values, grid=(classifier.Settings(),),
                             embeddings=vectors.astype(np.float32), encoder=encoder.name)  # fmt: skip
    return TriageModel.objects.create(
        field="category", version=next_version("category"), artefact=dump_classifier(model),
        metrics={}, trained_at=timezone.now(), is_active=True,
    )  # fmt: skip


def _row(ticket: Ticket) -> TicketPrediction:
    return TicketPrediction.objects.get(ticket=ticket, field="category")


def test_a_suggestion_is_made_again_with_the_vector(
    make_ticket: Any, fused_model: Any, set_mode: Any, categories: Any
) -> None:
    set_mode("category", "suggest")
    ticket = make_ticket(title=TEXT)
    assert _row(ticket).value_id == categories["Printers"].pk  # the text alone
    assert triage_embed_ticket.call(ticket_id=ticket.pk) is True
    row = _row(ticket)
    assert (row.value_id, row.label, row.outcome) == (categories["Network"].pk, "Network",
                                                       "suggested")  # fmt: skip
    ticket.refresh_from_db()
    assert ticket.category_id is None  # suggest mode sets nothing
    assert triage_embed_ticket.call(ticket_id=ticket.pk) is False  # vector current: no job


def test_apply_mode_applies_the_full_prediction_only_at_or_above_the_threshold(
    make_ticket: Any, fused_model: Any, set_mode: Any, categories: Any, monkeypatch: Any
) -> None:
    set_mode("category", "apply", threshold=0.9)
    ticket = make_ticket(title=MIXED)
    assert _row(ticket).confidence < 0.9  # the text alone: a suggestion
    assert ticket.category_id is None and _row(ticket).outcome == "suggested"
    triage_embed_ticket.call(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.category_id == categories["Email"].pk
    assert _row(ticket).outcome == "applied" and _row(ticket).confidence >= 0.9
    event = TicketEvent.objects.filter(ticket=ticket).exclude(kind="created").get()
    assert event.actor is not None and event.actor.is_system
    assert event.actor.username == "deskline-triage"
    # Under the threshold with the vector too: still only a suggestion.
    full = CompactClassifier.predict  # what the processes that predict load

    def unsure(self: Any, texts: Any, vectors: Any = None) -> list[tuple[str, float]]:
        if vectors is None:
            return full(self, texts, vectors)
        return [(str(categories["Email"].pk), 0.8999)]

    monkeypatch.setattr(CompactClassifier, "predict", unsure)
    below = make_ticket(title=MIXED)
    triage_embed_ticket.call(ticket_id=below.pk)
    below.refresh_from_db()
    assert below.category_id is None
    assert (_row(below).outcome, _row(below).label) == ("suggested", "Email")
    # What triage set after the creation is not learnt from either.
    Ticket.objects.update(phase=Phase.CLOSED)
    assert ticket.pk not in {s.ticket_id for s in training_samples("category")}


def test_an_applied_value_the_full_model_disagrees_with_is_replaced_only_when_confident(
    make_ticket: Any, fused_model: Any, set_mode: Any, categories: Any, monkeypatch: Any
) -> None:
    set_mode("category", "apply", threshold=0.0)
    ticket = make_ticket(title=TEXT)
    assert ticket.category_id == categories["Printers"].pk
    triage_embed_ticket.call(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.category_id == categories["Network"].pk and _row(ticket).outcome == "applied"
    set_mode("category", "apply", threshold=0.0)
    kept = make_ticket(title=TEXT.replace("zznet", "zzmail"))
    assert kept.category_id == categories["Printers"].pk
    set_mode("category", "apply", threshold=1.0)
    full = CompactClassifier.predict  # what the processes that predict load

    def unsure(self: Any, texts: Any, vectors: Any = None) -> list[tuple[str, float]]:
        if vectors is None:
            return full(self, texts, vectors)
        return [(str(categories["Email"].pk), 0.99)]

    monkeypatch.setattr(CompactClassifier, "predict", unsure)
    triage_embed_ticket.call(ticket_id=kept.pk)
    kept.refresh_from_db()
    assert kept.category_id == categories["Printers"].pk
    assert (_row(kept).outcome, _row(kept).label) == ("suggested", "Email")


def test_a_value_a_person_set_is_never_overridden(
    make_ticket: Any, fused_model: Any, set_mode: Any, categories: Any, admin: Any
) -> None:
    set_mode("category", "apply", threshold=0.0)
    ticket = make_ticket(title=TEXT)
    ticket_update(actor=admin, number=ticket.number,
                  changes={"category_id": categories["Email"].pk})  # fmt: skip
    assert _row(ticket).outcome == "corrected"
    triage_embed_ticket.call(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.category_id == categories["Email"].pk
    assert (_row(ticket).outcome, _row(ticket).value_id) == ("corrected", categories["Printers"].pk)
    given = make_ticket(title=TEXT, category_id=categories["Printers"].pk)  # the creator's
    triage_embed_ticket.call(ticket_id=given.pk)
    given.refresh_from_db()
    assert given.category_id == categories["Printers"].pk
    assert not TicketPrediction.objects.filter(ticket=given).exists()
