"""Training, evaluating and shipping the tone model (scikit-learn; never loaded to score).

Three small classifiers of the same kind as the field models (`classifier.py`: word and
character n-gram TF-IDF into a calibrated linear SVM, the features shared by the three) are
trained from the labelled set that ships with Deskline (`data/tone.csv`). `export` turns the
fitted model into the plain dictionary `linear_text` scores, and

    python -m deskline.triage.tone_training

writes it to `data/tone_model.json.gz`, the model the processes that score tone load (a test
holds the shipped file to what training the shipped set gives).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sklearn.base import clone
from sklearn.model_selection import train_test_split

from deskline.triage import classifier, linear_text
from deskline.triage.classifier import Settings
from deskline.triage.thresholds import FLAG_AT
from deskline.triage.tone import MODEL, Row, Tone, read_set, tones_from

SETTINGS = Settings((1, 2), (2, 5), 1.0)
HEADS = ("tone", "angry", "urgent")
DIGITS = 10  # significant digits kept of each weight: probabilities agree to about 1e-9


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
        probabilities = {
            name: classifier.fast_calibrated(getattr(self, name), matrix) for name in HEADS
        }
        return tones_from(
            [
                {name: dict(zip(getattr(self, name).classes_, row, strict=True))
                 for name, row in ((n, probabilities[n][i]) for n in HEADS)}
                for i in range(len(texts))
            ]
        )  # fmt: skip


def _number(x: float) -> float:
    return float(f"{x:.{DIGITS}g}")


def export(model: ToneModel) -> dict[str, Any]:
    """The fitted model as `linear_text.LinearTextModel.from_data` reads it."""
    vectorizers = [v for _, v in model.features.transformer_list]
    offsets = [0]
    for v in vectorizers:
        offsets.append(offsets[-1] + len(v.vocabulary_))
    orders = [sorted(v.vocabulary_, key=v.vocabulary_.__getitem__) for v in vectorizers]
    data: dict[str, Any] = {"format": linear_text.FORMAT, "vectorizers": [], "heads": {}}
    for v, terms in zip(vectorizers, orders, strict=True):
        data["vectorizers"].append({
            "analyzer": v.analyzer, "ngram_range": list(v.ngram_range),
            "token_pattern": v.token_pattern, "sublinear_tf": bool(v.sublinear_tf),
            "terms": terms, "idf": [_number(x) for x in v.idf_],
        })  # fmt: skip
    for name in HEADS:
        calibrated = getattr(model, name).calibrated_classifiers_[0]
        coef = calibrated.estimator.coef_
        data["heads"][name] = {
            "classes": [str(c) for c in getattr(model, name).classes_],
            "coef": [
                [[_number(x) for x in coef[:, offset + column]] for column in range(len(terms))]
                for offset, terms in zip(offsets, orders, strict=False)
            ],
            "intercept": [_number(x) for x in calibrated.estimator.intercept_],
            "beta": _number(float(calibrated.calibrators[0].beta_)),
        }
    return data


@dataclass(frozen=True)
class ToneEvaluation:
    tone: float
    angry: float
    urgent: float
    size: int
    by_language: dict[str, float]


def evaluate(model: Any, rows: Sequence[Row]) -> ToneEvaluation:
    """Accuracy of each head (flags at FLAG_AT) on held-out rows, and the tone's per language.
    `model` is anything with `score(texts) -> list[Tone]`."""
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


def write_shipped() -> None:
    """Train on the whole shipped set and write the model the scoring processes load."""
    data = export(ToneModel.train(read_set()))
    with gzip.open(MODEL, "wt", encoding="utf-8", compresslevel=9) as handle:
        json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))


if __name__ == "__main__":
    write_shipped()
    print(f"wrote {MODEL}")
