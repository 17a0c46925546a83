"""The scoring form of a trained triage classifier: NumPy only, no scikit-learn or SciPy.

A web process predicts a new ticket's category, type, team and priority before its INSERT.
Unpickling the scikit-learn classifier there costs the import of scikit-learn and SciPy
(~120 MB) and, per field model, the vectorizers' vocabulary as Python dictionaries and the
SVM's weights in float64. `classifier.compact_form` writes, at training time, what scoring
needs into the same artefact (see `pack_artefact`): per TF-IDF vectorizer its settings, its
terms as one string with offsets and its idf; the SVM's weights as one float32 matrix (a row
per term); the calibration's temperature; with sentence embeddings, the embedding model's
float32 weights and the late-fusion factors. `CompactClassifier` scores it with the plain-Python
analyzers of `linear_text` (they repeat scikit-learn's) and NumPy; a test holds its
probabilities to scikit-learn's within 1e-6.

Vocabularies are looked up through a sorted array of the terms' hashes (about 20 bytes a term
instead of ~100 for a dictionary), and identical vocabularies (fields trained on the same
tickets with the same settings) are loaded once per process. An artefact written before this
has no compact part: `selectors.load_classifier` unpickles the scikit-learn classifier then.
"""

from __future__ import annotations

import pickle
import struct
import weakref
import zlib
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from deskline.triage.linear_text import char_wb_ngrams, normalise, word_ngrams

FORMAT = 1
#: The first bytes of an artefact with a compact part (an older one is a zlib stream: 0x78).
MAGIC = b"DLTRIAGE2\n"
_LENGTH = struct.Struct(">Q")


def pack_artefact(compact: dict[str, Any] | None, full: bytes) -> bytes:
    """The artefact: the compact part (when there is one), then the pickled classifier, each
    compressed on its own so a scoring process decompresses only the first."""
    if compact is None:
        return full
    head = zlib.compress(pickle.dumps(compact, protocol=pickle.HIGHEST_PROTOCOL), 6)
    return MAGIC + _LENGTH.pack(len(head)) + head + full


def split_artefact(artefact: bytes) -> tuple[bytes | None, bytes]:
    """(compressed compact part or None, compressed pickled classifier)."""
    if not artefact.startswith(MAGIC):
        return None, artefact
    start = len(MAGIC) + _LENGTH.size
    (length,) = _LENGTH.unpack(artefact[len(MAGIC) : start])
    return artefact[start : start + length], artefact[start + length :]


def load_compact(part: bytes) -> CompactClassifier:
    # Our own data, written by `training.dump_classifier` into our own database.
    data = pickle.loads(zlib.decompress(part))  # noqa: S301
    return CompactClassifier.from_data(data)


class Vocabulary:
    """Terms to rows: a sorted array of the terms' hashes (this process's `hash`), checked
    against the terms themselves (one string and offsets), so a lookup is exact."""

    def __init__(self, joined: str, offsets: np.ndarray) -> None:
        self.joined = joined
        self.offsets = np.asarray(offsets, dtype=np.int64)
        bounds = self.offsets.tolist()
        hashes = np.fromiter(
            (hash(joined[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)),
            dtype=np.int64,
            count=len(bounds) - 1,
        )
        self.order = np.argsort(hashes, kind="stable").astype(np.int32)
        self.hashes = hashes[self.order]
        self.exact: dict[str, int] | None = None
        if len(self.hashes) > 1 and bool((self.hashes[1:] == self.hashes[:-1]).any()):
            # Two terms with one hash (never seen): a dictionary instead.
            self.exact = {
                joined[a:b]: i for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False))
            }

    def rows(self, terms: Sequence[str]) -> tuple[list[int], list[int]]:
        """(row of each known term, its index in `terms`)."""
        if self.exact is not None:
            found = [(self.exact[t], i) for i, t in enumerate(terms) if t in self.exact]
            return [r for r, _ in found], [i for _, i in found]
        if not terms or not len(self.hashes):
            return [], []
        wanted = np.fromiter(map(hash, terms), dtype=np.int64, count=len(terms))
        pos = np.minimum(np.searchsorted(self.hashes, wanted), len(self.hashes) - 1)
        hit = np.flatnonzero(self.hashes[pos] == wanted)
        rows, which = [], []
        offsets, joined = self.offsets, self.joined
        for i, row in zip(hit.tolist(), self.order[pos[hit]].tolist(), strict=True):
            if joined[offsets[row] : offsets[row + 1]] == terms[i]:
                rows.append(row)
                which.append(i)
        return rows, which


#: Vocabularies loaded in this process, by digest: fields trained alike share one.
_SHARED: weakref.WeakValueDictionary[str, Vocabulary] = weakref.WeakValueDictionary()


def _vocabulary(digest: str, joined: str, offsets: np.ndarray) -> Vocabulary:
    known = _SHARED.get(digest)
    if known is None:
        known = _SHARED[digest] = Vocabulary(joined, offsets)
    return known


@lru_cache(maxsize=16)
def _counts(analyzer: str, low: int, high: int, pattern: str, text: str) -> Counter[str]:
    """A text's n-gram counts (the fields' models of one ticket share them)."""
    import re

    plain = normalise(text)
    if analyzer == "word":
        return Counter(word_ngrams(re.findall(pattern, plain), low, high))
    return Counter(char_wb_ngrams(plain, low, high))


class CompactVectorizer:
    def __init__(self, data: dict[str, Any]) -> None:
        self.analyzer = data["analyzer"]
        self.low, self.high = data["ngram_range"]
        self.pattern = data["token_pattern"]
        self.sublinear_tf = data["sublinear_tf"]
        self.idf = np.asarray(data["idf"], dtype=np.float64)
        self.vocabulary = _vocabulary(data["digest"], data["terms"], data["offsets"])

    def __len__(self) -> int:
        return len(self.idf)

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(columns, values) of the text's TF-IDF row, L2-normalised, as scikit-learn's."""
        counted = _counts(self.analyzer, self.low, self.high, self.pattern, text)
        terms = list(counted)
        rows, which = self.vocabulary.rows(terms)
        cols = np.asarray(rows, dtype=np.intp)
        values = np.asarray([counted[terms[i]] for i in which], dtype=np.float64)
        if self.sublinear_tf:
            values = np.log(values) + 1.0
        values *= self.idf[cols]
        norm = float(np.sqrt(values @ values))
        return cols, (values / norm if norm else values)


def _log_softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    return np.asarray(shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))


def _two_columns(decision: np.ndarray) -> np.ndarray:
    decision = np.asarray(decision, dtype=np.float64)
    return np.hstack([-decision, decision]) if decision.shape[1] == 1 else decision


class CompactClassifier:
    """Predicts as `classifier.Classifier` does (same probabilities), from the compact form."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.classes: list[str] = list(data["classes"])
        self.encoder: str = data.get("encoder", "")
        self.vectorizers = [CompactVectorizer(v) for v in data["vectorizers"]]
        self.offsets = np.cumsum([0] + [len(v) for v in self.vectorizers])[:-1].tolist()
        self.coef = np.asarray(data["coef"], dtype=np.float32)  # (terms, columns)
        self.intercept = np.asarray(data["intercept"], dtype=np.float64)
        self.beta = float(data["beta"])
        self.fusion: dict[str, Any] | None = data.get("fusion")

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> CompactClassifier:
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown compact model format {data.get('format')!r}")
        return cls(data)

    @property
    def uses_embeddings(self) -> bool:
        return self.fusion is not None

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """The SVM's decision values: the TF-IDF rows times the float32 weights."""
        out = np.empty((len(texts), self.coef.shape[1]), dtype=np.float64)
        for i, text in enumerate(texts):
            parts = [v.row(text) for v in self.vectorizers]
            cols = np.concatenate([c + o for (c, _), o in zip(parts, self.offsets, strict=True)])
            values = np.concatenate([v for _, v in parts])
            out[i] = values @ self.coef[cols].astype(np.float64) + self.intercept
        return out

    def predict_proba(
        self, texts: Sequence[str], embeddings: np.ndarray | None = None
    ) -> np.ndarray:
        """Calibrated probabilities; given no vectors, those of the TF-IDF part."""
        decision = self.decision(list(texts))
        if self.fusion is not None and embeddings is not None:
            f = self.fusion
            dense = np.asarray(embeddings, dtype=np.float32) @ f["coef"].T + f["intercept"]
            text = _log_softmax(f["text_beta"] * _two_columns(decision))
            logits = text + f["weight"] * _log_softmax(f["dense_beta"] * _two_columns(dense))
            return np.asarray(np.exp(_log_softmax(f["beta"] * logits)))
        if decision.shape[1] == 1:
            logits = np.hstack([-decision, decision])
        elif np.all((decision >= 0) & (decision <= 1)) and np.allclose(decision.sum(axis=1), 1.0):
            logits = np.log(decision + 1e-12)  # as scikit-learn's calibrator takes such scores
        else:
            logits = decision
        scaled = self.beta * logits
        scaled -= scaled.max(axis=1, keepdims=True)
        proba = np.exp(scaled)
        proba /= proba.sum(axis=1, keepdims=True)
        proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
        return np.asarray(proba)

    def predict(
        self, texts: Sequence[str], embeddings: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        proba = self.predict_proba(texts, embeddings)
        best = proba.argmax(axis=1)
        return [(self.classes[i], float(proba[row, i])) for row, i in enumerate(best)]
