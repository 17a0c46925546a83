"""Text similarity for duplicates, mass incidents and suggested answers (pure, no ORM).

TF-IDF over word (1-2) and character (3-5, within words) n-grams, fitted on the texts compared
(a handful to a few thousand), and the cosine of the query to each; the two cosines are
averaged, so a shared phrase and a shared inflected stem both count, in Russian and English.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from deskline.triage.classifier import normalise

_WORD = r"(?u)\b\w\w+\b"


def _cosines(vectorizer: TfidfVectorizer, query: str, texts: Sequence[str]) -> np.ndarray:
    try:
        matrix = vectorizer.fit_transform([query, *texts])
    except ValueError:  # nothing to count (empty or stop-word-only texts)
        return np.zeros(len(texts))
    return np.asarray((matrix[1:] @ matrix[0].T).toarray()).ravel()


def similarities(query: str, texts: Sequence[str]) -> list[float]:
    """The cosine similarity (0..1) of `query` to each of `texts`."""
    if not texts:
        return []
    words = TfidfVectorizer(preprocessor=normalise, token_pattern=_WORD, ngram_range=(1, 2),
                            sublinear_tf=True)  # fmt: skip
    chars = TfidfVectorizer(preprocessor=normalise, analyzer="char_wb", ngram_range=(3, 5),
                            sublinear_tf=True)  # fmt: skip
    mean = (_cosines(words, query, texts) + _cosines(chars, query, texts)) / 2
    return [float(x) for x in mean]


def most_similar(
    query: str, texts: Sequence[str], *, at_least: float, limit: int = 5
) -> list[tuple[int, float]]:
    """(index, similarity) of the texts at or above `at_least`, most similar first."""
    scored = [(i, s) for i, s in enumerate(similarities(query, texts)) if s >= at_least]
    return sorted(scored, key=lambda pair: (-pair[1], pair[0]))[:limit]
