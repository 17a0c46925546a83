"""Training triage models from ticket history, and keeping the better version active.

For each field: the confirmed samples (see `selectors.training_samples`), the newest
`HELD_OUT` share held out (the model is judged on tickets newer than those it learnt from,
as it will be used), a classifier trained on the rest and scored on the held-out part. The
active version is scored on the same held-out part; the new one becomes active only if it is
at least as accurate, otherwise it is stored inactive with its figures and the previous one
stays.

With embeddings on (`DESKLINE_TRIAGE_EMBEDDINGS`, the `ml` extra), the classifier also learns
from the tickets' stored vectors (`embedding_store.vectors_for`: only tickets not embedded yet
are embedded, once), and is judged with them.
"""

from __future__ import annotations

import pickle
import time
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone

from deskline.triage import classifier, embeddings
from deskline.triage.classifier import Classifier, Settings
from deskline.triage.compact import pack_artefact
from deskline.triage.fields import NAMES
from deskline.triage.models import TriageModel
from deskline.triage.selectors import (
    Sample,
    load_full_classifier,
    next_version,
    training_samples,
)

HELD_OUT = 0.2
MIN_SAMPLES = 30
#: A label seen fewer times than this is left out (no model can learn it from so few).
MIN_PER_LABEL = 3
#: Thresholds of the table kept for the threshold page.
TABLE_THRESHOLDS = tuple(round(0.3 + 0.01 * i, 2) for i in range(70))
Progress = Callable[[str], None]


@dataclass(frozen=True)
class TrainResult:
    field: str
    version: int | None
    activated: bool
    message: str
    metrics: dict[str, object]


def dump_classifier(model: Classifier) -> bytes:
    """The artefact: the compact scoring form (`compact.py`, what the web process loads) and
    the pickled scikit-learn classifier (what training and evaluation load)."""
    full = zlib.compress(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL), 6)
    return pack_artefact(classifier.compact_form(model), full)


def split(
    samples: Sequence[Sample], held_out: float = HELD_OUT
) -> tuple[list[Sample], list[Sample]]:
    """Oldest part to train on, newest part to judge on; rare labels left out of both."""
    counts = Counter(s.label for s in samples)
    kept = [s for s in samples if counts[s.label] >= MIN_PER_LABEL]
    cut = len(kept) - max(1, round(len(kept) * held_out))
    return kept[:cut], kept[cut:]


def _vectors(samples: Sequence[Sample]) -> np.ndarray | None:
    """The samples' stored embeddings when embeddings are on (missing ones made now)."""
    if not embeddings.enabled():
        return None
    from deskline.triage.embedding_store import vectors_for

    return vectors_for([s.ticket_id for s in samples], [s.text for s in samples])


def _figures(
    model: Classifier, test: Sequence[Sample], vectors: np.ndarray | None = None
) -> dict[str, object]:
    result = classifier.evaluate(model, [s.text for s in test], [s.label for s in test], vectors)
    table = classifier.threshold_table(result.confidences, result.correct, TABLE_THRESHOLDS)
    return {
        "accuracy": result.accuracy,
        "macro_f1": result.macro_f1,
        "ece": result.ece,
        "threshold_98": result.threshold_98,
        "coverage_98": result.coverage_98,
        "test_size": result.size,
        "thresholds": [[r.threshold, r.precision, r.coverage] for r in table],
    }


def _previous_accuracy(
    field: str, test: Sequence[Sample], vectors: np.ndarray | None = None
) -> tuple[TriageModel | None, float]:
    active = TriageModel.objects.filter(field=field, is_active=True).first()
    if active is None:
        return None, -1.0
    old = load_full_classifier(bytes(active.artefact))
    # An old model of another encoder (or none) is judged without vectors: its TF-IDF part.
    fits = vectors is not None and old.uses_embeddings and old.encoder == embeddings.encoder().name
    texts, labels = [s.text for s in test], [s.label for s in test]
    score = classifier.evaluate(old, texts, labels, vectors if fits else None)
    return active, score.accuracy


def train_field(
    field: str, *, settings: Settings | None = None, progress: Progress | None = None
) -> TrainResult:
    """Train a new version of one field's model; activate it if at least as good."""
    say = progress or (lambda _message: None)
    say(f"{field}: reading history")
    train, test = split(training_samples(field))
    labels = {s.label for s in train}
    if len(train) + len(test) < MIN_SAMPLES or len(labels) < 2:
        message = (f"{field}: not enough confirmed history ({len(train) + len(test)} tickets, "
                   f"{len(labels)} values; need {MIN_SAMPLES} and 2)")  # fmt: skip
        return TrainResult(field, None, False, message, {})
    say(f"{field}: training on {len(train)} tickets")
    train_vectors, test_vectors = _vectors(train), _vectors(test)
    started = time.monotonic()
    model = classifier.train(
        [s.text for s in train],
        [s.label for s in train],
        grid=(settings or Settings(),),
        embeddings=train_vectors,
        encoder=embeddings.encoder().name if train_vectors is not None else "",
    )
    seconds = time.monotonic() - started
    say(f"{field}: judging on {len(test)} newer tickets")
    metrics = _figures(model, test, test_vectors)
    previous, previous_accuracy = _previous_accuracy(field, test, test_vectors)
    metrics.update(train_size=len(train), seconds=round(seconds, 2),
                   settings=model.settings.label(), labels=sorted(labels),
                   encoder=model.encoder)  # fmt: skip
    if previous is not None:
        metrics["previous"] = {"version": previous.version, "accuracy": previous_accuracy}
    accuracy = float(metrics["accuracy"])  # type: ignore[arg-type]
    better = previous is None or accuracy >= previous_accuracy
    version = _store(field, model, metrics, activate=better)
    if better:
        message = f"{field}: version {version} active (accuracy {accuracy:.3f})"
    else:
        message = (f"{field}: version {version} kept inactive: accuracy {accuracy:.3f} < "
                   f"{previous_accuracy:.3f} of active version {previous.version}")  # type: ignore[union-attr]  # fmt: skip
    return TrainResult(field, version, better, message, metrics)


@transaction.atomic
def _store(field: str, model: Classifier, metrics: dict[str, object], *, activate: bool) -> int:
    version = next_version(field)
    if activate:
        TriageModel.objects.filter(field=field, is_active=True).update(is_active=False)
    TriageModel.objects.create(
        field=field, version=version, artefact=dump_classifier(model), metrics=metrics,
        trained_at=timezone.now(), is_active=activate,
    )  # fmt: skip
    return version


def train_all(
    fields: Sequence[str] = NAMES, *, progress: Progress | None = None
) -> list[TrainResult]:
    return [train_field(field, progress=progress) for field in fields]
