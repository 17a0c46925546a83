"""Tone of an inbound message: negative, neutral or positive, plus "angry" and "urgent" (pure).

Three small classifiers of the same kind as the field models (`classifier.py`: word and
character n-gram TF-IDF into a calibrated linear SVM, the features shared by the three) are trained from the labelled set that
ships with Deskline (`data/tone.csv`: 300 messages in Russian and English written for it).
Training takes about a second; a process trains once, on first use, and keeps the model.
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sklearn.base import clone
from sklearn.model_selection import train_test_split

from deskline.triage import classifier
from deskline.triage.classifier import Settings
from deskline.triage.thresholds import FLAG_AT

DATA = Path(__file__).resolve().parent / "data" / "tone.csv"
#: A flag is raised at or above this probability.
SETTINGS = Settings((1, 2), (2, 5), 1.0)


@dataclass(frozen=True)
class Row:
    text: str
    language: str
    tone: str
    angry: bool
    urgent: bool


@dataclass(frozen=True)
class Tone:
    tone: str  # negative, neutral, positive
    confidence: float
    angry: float  # probability
    urgent: float

    @property
    def flags(self) -> list[str]:
        return [
            name for name, p in (("angry", self.angry), ("urgent", self.urgent)) if p >= FLAG_AT
        ]

    def as_data(self) -> dict[str, object]:
        return {"tone": self.tone, "confidence": round(self.confidence, 4),
                "angry": round(self.angry, 4), "urgent": round(self.urgent, 4)}  # fmt: skip


def read_set(path: Path = DATA) -> list[Row]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Row(r["text"], r["language"], r["tone"], r["angry"] == "1", r["urgent"] == "1")
            for r in csv.DictReader(handle)
        ]


def _yes(head: Any) -> int:
    return list(head.classes_).index("1")


@dataclass
class ToneModel:
    """One set of features (computed once per message) and three calibrated heads."""

    features: Any
    tone: Any
    angry: Any
    urgent: Any

    @classmethod
    def train(cls, rows: Sequence[Row]) -> ToneModel:
        pipeline = classifier.build_pipeline(SETTINGS)
        features, head = pipeline.named_steps["features"], pipeline.named_steps["model"]
        matrix = features.fit_transform([r.text for r in rows])
        heads = {
            "tone": [r.tone for r in rows],
            "angry": [str(int(r.angry)) for r in rows],
            "urgent": [str(int(r.urgent)) for r in rows],
        }
        fitted = {name: clone(head).fit(matrix, labels) for name, labels in heads.items()}
        return cls(features=features, **fitted)

    def score(self, texts: Sequence[str]) -> list[Tone]:
        matrix = classifier.fast_features(self.features, list(texts))
        tone = classifier.fast_calibrated(self.tone, matrix)
        angry = classifier.fast_calibrated(self.angry, matrix)[:, _yes(self.angry)]
        urgent = classifier.fast_calibrated(self.urgent, matrix)[:, _yes(self.urgent)]
        best = tone.argmax(axis=1)
        return [
            Tone(str(self.tone.classes_[b]), float(tone[i, b]), float(angry[i]), float(urgent[i]))
            for i, b in enumerate(best)
        ]


@dataclass(frozen=True)
class ToneEvaluation:
    tone: float
    angry: float
    urgent: float
    size: int
    by_language: dict[str, float]


def evaluate(model: ToneModel, rows: Sequence[Row]) -> ToneEvaluation:
    """Accuracy of each head (flags at FLAG_AT) on held-out rows, and the tone's per language."""
    scored = model.score([r.text for r in rows])

    def share(hits: Sequence[bool]) -> float:
        return sum(hits) / len(hits) if hits else 0.0

    by_language = {
        lang: share(
            [s.tone == r.tone for s, r in zip(scored, rows, strict=True) if r.language == lang]
        )
        for lang in sorted({r.language for r in rows})
    }
    return ToneEvaluation(
        tone=share([s.tone == r.tone for s, r in zip(scored, rows, strict=True)]),
        angry=share([(s.angry >= FLAG_AT) == r.angry for s, r in zip(scored, rows, strict=True)]),
        urgent=share(
            [(s.urgent >= FLAG_AT) == r.urgent for s, r in zip(scored, rows, strict=True)]
        ),
        size=len(rows),
        by_language=by_language,
    )


def split(rows: Sequence[Row], test_size: float = 0.25) -> tuple[list[Row], list[Row]]:
    """A held-out part stratified by language and tone (seeded: the same split every time)."""
    keys = [f"{r.language}-{r.tone}-{int(r.angry)}{int(r.urgent)}" for r in rows]
    train, test = train_test_split(list(rows), test_size=test_size, random_state=0, stratify=keys)
    return list(train), list(test)


_lock = threading.Lock()
_model: ToneModel | None = None


def default_model() -> ToneModel:
    """The model trained on the whole shipped set, once per process."""
    global _model
    with _lock:
        if _model is None:
            _model = ToneModel.train(read_set())
        return _model


def tone_of(text: str) -> Tone:
    return default_model().score([text])[0]
