"""Text similarity for duplicates, mass incidents and suggested answers (pure, no ORM).

TF-IDF over word (1-2) and character (3-5, within words) n-grams, fitted on the texts compared
(a handful to a few thousand), and the cosine of the query to each; the two cosines are
averaged, so a shared phrase and a shared inflected stem both count, in Russian and English.

The same arithmetic as scikit-learn's `TfidfVectorizer` (smoothed idf, sublinear tf, L2 norm;
a test holds the two equal), in plain Python: it runs when a ticket is created, and loading
scikit-learn into every web process for it would cost about 140 MB each.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence

from deskline.triage.linear_text import char_wb_ngrams, normalise, word_ngrams

_WORD = re.compile(r"(?u)\b\w\w+\b")


def _words(text: str) -> list[str]:
    return word_ngrams(_WORD.findall(text), 1, 2)


def _chars(text: str) -> list[str]:
    return char_wb_ngrams(text, 3, 5)


def _cosines(analyse: Callable[[str], list[str]], plain: Sequence[str]) -> list[float]:
    """The cosine of the first text's TF-IDF vector to each other's, the idf fitted on all."""
    counts = [Counter(analyse(text)) for text in plain]
    documents = len(counts)
    frequency: Counter[str] = Counter()
    for counted in counts:
        frequency.update(counted.keys())
    idf = {term: math.log((1 + documents) / (1 + df)) + 1.0 for term, df in frequency.items()}

    def vector(counted: Counter[str]) -> tuple[dict[str, float], float]:
        values = {term: (1.0 + math.log(n)) * idf[term] for term, n in counted.items()}
        return values, math.sqrt(sum(v * v for v in values.values()))

    query, query_norm = vector(counts[0])
    cosines = []
    for counted in counts[1:]:
        if not query_norm:
            cosines.append(0.0)
            continue
        values, norm = vector(counted)
        dot = sum(w * values[term] for term, w in query.items() if term in values)
        cosines.append(dot / (query_norm * norm) if norm else 0.0)
    return cosines


def similarities(query: str, texts: Sequence[str]) -> list[float]:
    """The cosine similarity (0..1) of `query` to each of `texts`."""
    if not texts:
        return []
    plain = [normalise(text) for text in (query, *texts)]
    words, chars = _cosines(_words, plain), _cosines(_chars, plain)
    return [(w + c) / 2 for w, c in zip(words, chars, strict=True)]


def most_similar(
    query: str, texts: Sequence[str], *, at_least: float, limit: int = 5
) -> list[tuple[int, float]]:
    """(index, similarity) of the texts at or above `at_least`, most similar first."""
    scored = [(i, s) for i, s in enumerate(similarities(query, texts)) if s >= at_least]
    return sorted(scored, key=lambda pair: (-pair[1], pair[0]))[:limit]
