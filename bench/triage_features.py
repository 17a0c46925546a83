"""BANKING77 with other classical features: word and character n-gram ranges, C, and linear
models, on the copy in `tests/data/banking77/` (trained on `train.csv`, scored on
`heldout.csv`, a stratified fifth of the official training split: not the official test split).

Each line is one variant's accuracy and its time; uncalibrated (calibration does not move the
argmax). It only prints figures; the shipped model is `deskline triage evaluate`'s.

    python bench/triage_features.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402
from sklearn.base import ClassifierMixin  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.pipeline import FeatureUnion  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from deskline.triage.classifier import normalise, read_csv  # noqa: E402

DATA = ROOT / "tests" / "data" / "banking77"
WORD = r"(?u)\b\w+\b"  # single-letter words count too, as in the shipped model


def features(words: tuple[int, int], chars: tuple[int, int], analyzer: str) -> FeatureUnion:
    return FeatureUnion([
        ("word", TfidfVectorizer(preprocessor=normalise, ngram_range=words, sublinear_tf=True,
                                 token_pattern=WORD)),
        ("char", TfidfVectorizer(preprocessor=normalise, analyzer=analyzer, ngram_range=chars,
                                 sublinear_tf=True)),
    ])  # fmt: skip


VARIANTS: list[tuple[str, tuple[int, int], tuple[int, int], str, ClassifierMixin]] = [
    ("word 1-2, char_wb 1-4, SVM C=1", (1, 2), (1, 4), "char_wb", LinearSVC(C=1)),
    ("word 1-3, char_wb 1-5, SVM C=1", (1, 3), (1, 5), "char_wb", LinearSVC(C=1)),
    ("word 1-2, char 1-5, SVM C=1", (1, 2), (1, 5), "char", LinearSVC(C=1)),
    ("word 1-2, char_wb 2-6, SVM C=0.5", (1, 2), (2, 6), "char_wb", LinearSVC(C=0.5)),
    ("word 1-2, char_wb 1-4, SVM C=2", (1, 2), (1, 4), "char_wb", LinearSVC(C=2)),
    ("word 1-2, char_wb 1-4, logistic C=30", (1, 2), (1, 4), "char_wb",
     LogisticRegression(C=30, max_iter=2000)),
]  # fmt: skip


def main() -> int:
    print("command: python bench/triage_features.py")
    train = read_csv(DATA / "train.csv", "text", "category")
    test = read_csv(DATA / "heldout.csv", "text", "category")
    for name, words, chars, analyzer, model in VARIANTS:
        started = time.process_time()
        union = features(words, chars, analyzer)
        model.fit(union.fit_transform(train[0]), train[1])  # type: ignore[attr-defined]
        predicted = model.predict(union.transform(test[0]))  # type: ignore[attr-defined]
        accuracy = float((np.asarray(predicted) == np.asarray(test[1])).mean())
        print(f"{name}: accuracy {accuracy:.4f} ({time.process_time() - started:.0f} s of CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
