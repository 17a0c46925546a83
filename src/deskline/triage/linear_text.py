"""A fitted text model in plain Python: TF-IDF over word and character n-grams into calibrated
linear heads, scored without NumPy or scikit-learn (pure).

The tone of every inbound message is scored in the web processes and the task worker. Loading
scikit-learn there to run a model of a few thousand weights costs about 140 MB of memory per
process and two seconds at the first message; this module scores the same model from a plain
dictionary instead. `triage.tone_export` turns a fitted scikit-learn model into that dictionary
(a test holds both to the same probabilities), so training still uses scikit-learn and the
scoring processes never import it.

The analyzers repeat scikit-learn's `TfidfVectorizer` (analyzer "word" with a token pattern,
"char_wb"; sublinear tf, idf, L2 norm per vectorizer) and the temperature calibration of
`CalibratedClassifierCV(method="temperature")` over a `LinearSVC`'s decision values.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

FORMAT = 1
_WHITE_SPACES = re.compile(r"\s\s+")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower-case, NFKC, ``ё`` folded to ``е``, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text or "").lower().replace("ё", "е")
    return _SPACE.sub(" ", text).strip()


def word_ngrams(tokens: Sequence[str], low: int, high: int) -> list[str]:
    """scikit-learn's word n-grams of `tokens` (order aside: only the counts matter)."""
    grams = list(tokens) if low == 1 else []
    for n in range(max(low, 2), min(high, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


def char_wb_ngrams(text: str, low: int, high: int) -> list[str]:
    """scikit-learn's "char_wb" n-grams: each word padded with a space on both sides; a word
    shorter than n gives itself once."""
    grams: list[str] = []
    for word in _WHITE_SPACES.sub(" ", text).split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            grams.append(padded[:n])
            if size <= n:  # the whole padded word: no longer n-grams of it either
                break
            grams.extend(padded[i : i + n] for i in range(1, size - n + 1))
    return grams


@dataclass(frozen=True)
class Vectorizer:
    """One TF-IDF vectorizer: its analyzer and, per known term, its column in the heads."""

    analyzer: str  # "word" or "char_wb"
    low: int
    high: int
    token_pattern: str
    sublinear_tf: bool
    terms: dict[str, int]  # term -> row of `idf` and of each head's weights
    idf: list[float]

    def grams(self, text: str) -> list[str]:
        if self.analyzer == "word":
            return word_ngrams(re.findall(self.token_pattern, text), self.low, self.high)
        return char_wb_ngrams(text, self.low, self.high)

    def weights(self, text: str) -> list[tuple[int, float]]:
        """(term row, tf-idf value) of the text's known terms, L2-normalised."""
        counted = Counter(t for t in map(self.terms.get, self.grams(text)) if t is not None)
        values = [
            ((1.0 + math.log(c)) if self.sublinear_tf else float(c)) * self.idf[t]
            for t, c in counted.items()
        ]
        norm = math.sqrt(sum(v * v for v in values))
        return [(t, v / norm if norm else v) for t, v in zip(counted, values, strict=True)]


@dataclass(frozen=True)
class Head:
    """A calibrated linear head: per vectorizer, per term, one weight per decision column."""

    classes: list[str]
    coef: list[list[list[float]]]  # [vectorizer][term row][column]
    intercept: list[float]
    beta: float  # the calibration's temperature factor

    def proba(self, features: list[list[tuple[int, float]]]) -> dict[str, float]:
        decision = list(self.intercept)
        for coef, row in zip(self.coef, features, strict=True):
            for t, value in row:
                for k, w in enumerate(coef[t]):
                    decision[k] += value * w
        scaled = [self.beta * x for x in _logits(decision)]
        top = max(scaled)
        exp = [math.exp(x - top) for x in scaled]
        total = sum(exp)
        return {c: min(1.0, e / total) for c, e in zip(self.classes, exp, strict=True)}


def _logits(decision: list[float]) -> list[float]:
    """The calibrator's inputs, as scikit-learn makes them from the decision values."""
    if len(decision) == 1:  # binary: (-x, x)
        return [-decision[0], decision[0]]
    # Scores in [0, 1] that sum to 1 are taken for probabilities (never seen from an SVM).
    if all(0 <= d <= 1 for d in decision) and math.isclose(sum(decision), 1.0, abs_tol=1e-8):
        return [math.log(d + 1e-12) for d in decision]
    return decision


@dataclass(frozen=True)
class LinearTextModel:
    vectorizers: list[Vectorizer]
    heads: dict[str, Head]

    def score(self, text: str) -> dict[str, dict[str, float]]:
        """Each head's probability per class."""
        plain = normalise(text)
        features = [v.weights(plain) for v in self.vectorizers]
        return {name: head.proba(features) for name, head in self.heads.items()}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> LinearTextModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown model format {data.get('format')!r}; expected {FORMAT}")
        vectorizers = [
            Vectorizer(
                analyzer=v["analyzer"], low=v["ngram_range"][0], high=v["ngram_range"][1],
                token_pattern=v["token_pattern"], sublinear_tf=v["sublinear_tf"],
                terms={term: i for i, term in enumerate(v["terms"])}, idf=v["idf"],
            )
            for v in data["vectorizers"]
        ]  # fmt: skip
        heads = {name: Head(**head) for name, head in data["heads"].items()}
        return cls(vectorizers=vectorizers, heads=heads)
