"""The compact scoring form of a triage classifier (`triage/compact.py`): the same
probabilities as the scikit-learn model, and a web process that predicts through it imports
neither scikit-learn nor SciPy."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from deskline.triage import classifier, tone
from deskline.triage.classifier import Classifier
from deskline.triage.compact import CompactClassifier, Vocabulary
from deskline.triage.selectors import load_classifier, load_full_classifier
from deskline.triage.training import dump_classifier
from tests.triage.conftest import TOPICS, topic_examples
from tests.triage.test_embeddings import HashEncoder, _signal_in_vectors_only

PROBE = ["", "zzz qqq", "принтер", "Printer!!!", "ёлка  Ёж\tи   wifi", "a"]


@pytest.mark.parametrize("binary", [False, True])
def test_the_compact_form_scores_as_scikit_learn(binary: bool) -> None:
    rows = tone.read_set()
    labels = [str(int(r.angry)) if binary else r.tone for r in rows]
    model = classifier.train([r.text for r in rows], labels, grid=(classifier.Settings(),))
    compact = load_classifier(dump_classifier(model))
    assert isinstance(compact, CompactClassifier)
    assert compact.classes == model.classes and not compact.uses_embeddings
    probe = [r.text for r in rows[:60]] + PROBE
    expected = model.pipeline.predict_proba(probe)
    assert np.abs(compact.predict_proba(probe) - expected).max() < 1e-6
    assert [label for label, _ in compact.predict(probe)] == [
        label for label, _ in model.predict(probe)
    ]
    assert compact.coef.dtype == np.float32


@pytest.mark.parametrize("three", [False, True])
def test_the_compact_form_with_embeddings_scores_as_the_fused_model(three: bool) -> None:
    texts, labels, _vectors = _signal_in_vectors_only(90)
    vectors = HashEncoder().encode(texts) + 0.5 * _vectors
    if three:
        labels = [label if i % 3 else "c" for i, label in enumerate(labels)]
    model = classifier.train(texts, labels, grid=(classifier.Settings(),), embeddings=vectors,
                             encoder="test-hash")  # fmt: skip
    assert model.fusion is not None
    compact = load_classifier(dump_classifier(model))
    assert isinstance(compact, CompactClassifier)
    assert compact.uses_embeddings and compact.encoder == "test-hash"
    fused = compact.predict_proba(texts[:20], vectors[:20])
    assert np.abs(fused - model.predict_proba(texts[:20], vectors[:20])).max() < 1e-6
    alone = compact.predict_proba(texts[:20] + PROBE)
    assert np.abs(alone - model.pipeline.predict_proba(texts[:20] + PROBE)).max() < 1e-6


def test_an_artefact_without_the_compact_part_loads_the_scikit_learn_classifier() -> None:
    texts, labels, _ = _signal_in_vectors_only(40)
    model = classifier.train(texts, labels, grid=(classifier.Settings(),))
    old = zlib.compress(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL), 6)
    loaded = load_classifier(old)
    assert isinstance(loaded, Classifier)
    assert np.allclose(loaded.predict_proba(texts[:5]), model.predict_proba(texts[:5]))


def test_training_and_evaluation_still_load_the_scikit_learn_classifier() -> None:
    texts, labels, _ = _signal_in_vectors_only(40)
    model = classifier.train(texts, labels, grid=(classifier.Settings(),))
    assert isinstance(load_full_classifier(dump_classifier(model)), Classifier)


def test_identical_vocabularies_are_loaded_once() -> None:
    texts, labels, _ = _signal_in_vectors_only(40)
    model = classifier.train(texts, labels, grid=(classifier.Settings(),))
    artefact = dump_classifier(model)
    one, two = load_classifier(artefact), load_classifier(artefact)
    assert isinstance(one, CompactClassifier) and isinstance(two, CompactClassifier)
    assert one.vectorizers[0].vocabulary is two.vectorizers[0].vocabulary


def test_a_vocabulary_finds_exactly_its_terms_by_hash_or_by_dictionary() -> None:
    terms = ["a", "ab", "принтер", " x ", "", "b"]
    offsets = np.cumsum([0] + [len(t) for t in terms])
    vocabulary = Vocabulary("".join(terms), offsets)
    probe = ["b", "zz", "принтер", "a", " x", " x "]
    expected = ([5, 2, 0, 3], [0, 2, 3, 5])
    assert vocabulary.rows(probe) == expected
    vocabulary.exact = {t: i for i, t in enumerate(terms)}  # as after a hash collision
    assert vocabulary.rows(probe) == expected


DECIDER_PROBE = """
import sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.utils import timezone
from deskline.tickets.models import Category, Ticket
from deskline.triage.decider import triage_decide
from deskline.triage.models import TriageFieldSetting, TriageModel
ids = {ids!r}
for name, pk in ids.items():
    Category.objects.create(pk=pk, name=name)
TriageModel.objects.create(field="category", version=1, artefact=open({path!r}, "rb").read(),
                           metrics={{}}, trained_at=timezone.now(), is_active=True)
TriageFieldSetting.objects.create(field="category", mode="suggest", threshold=0.9)
heavy = [m for m in ("sklearn", "scipy") if m in sys.modules]
record = triage_decide(Ticket(title="printer jams paper"), {{"text": "printer jams paper"}})
print("label=" + record["predictions"]["category"]["label"])
print("heavy=" + ",".join(heavy + [m for m in ("sklearn", "scipy") if m in sys.modules]))
"""


def test_predicting_through_the_decider_imports_neither_scikit_learn_nor_scipy(
    tmp_path: Path,
) -> None:
    ids = {name: 100 + i for i, name in enumerate(TOPICS)}
    texts, values = topic_examples(ids)
    model = classifier.train(texts, values, grid=(classifier.Settings(),))
    path = tmp_path / "model.bin"
    path.write_bytes(dump_classifier(model))
    env: dict[str, Any] = {**os.environ, "DJANGO_SETTINGS_MODULE": "deskline.settings",
                           "DESKLINE_DATA_DIR": str(tmp_path)}  # fmt: skip
    env.pop("DATABASE_URL", None)
    code = DECIDER_PROBE.format(ids=ids, path=str(path))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,  # noqa: S603
                          check=True, timeout=300)  # fmt: skip
    lines = done.stdout.splitlines()
    assert "label=Printers" in lines
    assert "heavy=" in lines
