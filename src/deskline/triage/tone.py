"""Tone of an inbound message: negative, neutral or positive, plus "angry" and "urgent" (pure).

The model (three calibrated linear heads over shared word and character n-gram TF-IDF
features) is trained by `tone_training` from the labelled set that ships with Deskline
(`data/tone.csv`: 300 messages in Russian and English written for it) and ships beside it as
`data/tone_model.json.gz`. Scoring reads that file once per process and runs in plain Python
(`linear_text`), so the web processes and the task worker never load scikit-learn for it.
"""

from __future__ import annotations

import csv
import gzip
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from deskline.triage.linear_text import LinearTextModel
from deskline.triage.thresholds import FLAG_AT

DATA = Path(__file__).resolve().parent / "data" / "tone.csv"
MODEL = Path(__file__).resolve().parent / "data" / "tone_model.json.gz"


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


def tones_from(probabilities: Sequence[dict[str, dict[str, float]]]) -> list[Tone]:
    """Tones from each message's probabilities per head and class."""
    tones = []
    for p in probabilities:
        label = max(p["tone"], key=p["tone"].__getitem__)
        tones.append(Tone(label, float(p["tone"][label]), float(p["angry"]["1"]),
                          float(p["urgent"]["1"])))  # fmt: skip
    return tones


class ShippedModel:
    """The tone model that ships with Deskline, scored in plain Python (`linear_text`)."""

    def __init__(self, model: LinearTextModel) -> None:
        self.model = model

    def score(self, texts: Sequence[str]) -> list[Tone]:
        return tones_from([self.model.score(text) for text in texts])


_lock = threading.Lock()
_model: ShippedModel | None = None


def default_model() -> ShippedModel:
    """The shipped model, read once per process."""
    global _model
    with _lock:
        if _model is None:
            with gzip.open(MODEL, "rt", encoding="utf-8") as handle:
                _model = ShippedModel(LinearTextModel.from_data(json.load(handle)))
        return _model


def tone_of(text: str) -> Tone:
    return default_model().score([text])[0]
