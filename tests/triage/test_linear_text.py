"""The plain-Python text models: the same n-grams, TF-IDF and probabilities as scikit-learn,
and the shipped tone model, scored without loading scikit-learn."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from deskline.triage import linear_text, similarity, tone, tone_training
from deskline.triage.linear_text import LinearTextModel, normalise

ODD = ["", "   ", "a", "я", "Ёлки!!! ЖДУ", "x" * 50, "hello\tworld  again\n\nnow",
       "#1234 printer-2 e-mail@x.ru 12345", "Принтер не печатает, срочно!"]  # fmt: skip


@pytest.fixture(scope="module")
def rows() -> list[tone.Row]:
    return tone.read_set()


@pytest.mark.parametrize(("analyzer", "low", "high"),
                         [("word", 1, 1), ("word", 1, 2), ("word", 2, 3), ("char_wb", 1, 4),
                          ("char_wb", 2, 5), ("char_wb", 3, 5)])  # fmt: skip
def test_the_n_grams_are_scikit_learns(
    rows: list[tone.Row], analyzer: str, low: int, high: int
) -> None:
    theirs = TfidfVectorizer(preprocessor=normalise, analyzer=analyzer, ngram_range=(low, high),
                             token_pattern=r"(?u)\b\w+\b").build_analyzer()  # fmt: skip
    for text in [r.text for r in rows[:60]] + ODD:
        plain = normalise(text)
        ours = (linear_text.word_ngrams(re.findall(r"(?u)\b\w+\b", plain), low, high)
                if analyzer == "word" else linear_text.char_wb_ngrams(plain, low, high))  # fmt: skip
        assert Counter(ours) == Counter(theirs(text)), text


def test_an_exported_model_gives_scikit_learns_probabilities(rows: list[tone.Row]) -> None:
    fitted = tone_training.ToneModel.train(rows)
    plain = tone.ShippedModel(LinearTextModel.from_data(tone_training.export(fitted)))
    texts = [r.text for r in rows] + ODD
    for theirs, ours in zip(fitted.score(texts), plain.score(texts), strict=True):
        assert ours.tone == theirs.tone
        assert ours.confidence == pytest.approx(theirs.confidence, abs=1e-8)
        assert ours.angry == pytest.approx(theirs.angry, abs=1e-8)
        assert ours.urgent == pytest.approx(theirs.urgent, abs=1e-8)


def test_the_shipped_model_is_what_training_the_shipped_set_gives(rows: list[tone.Row]) -> None:
    """Fails when `data/tone.csv` changed and `python -m deskline.triage.tone_training` was
    not run (the SVM's solver is not bit-for-bit repeatable, hence the tolerance)."""
    fresh = tone_training.ToneModel.train(rows).score([r.text for r in rows])
    shipped = tone.default_model().score([r.text for r in rows])
    assert [s.tone for s in shipped] == [f.tone for f in fresh]
    worst = max(max(abs(s.confidence - f.confidence), abs(s.angry - f.angry),
                    abs(s.urgent - f.urgent)) for s, f in zip(shipped, fresh, strict=True))  # fmt: skip
    assert worst < 1e-3


def test_scoring_tone_and_similarity_does_not_load_scikit_learn() -> None:
    probe = (
        "import sys; from deskline.triage import tone, similarity; "
        "tone.tone_of('Nothing works!'); similarity.similarities('printer', ['a printer']); "
        "print(sorted(m for m in ('sklearn', 'numpy', 'scipy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)  # fmt: skip
    assert done.stdout.strip() == "[]"


def _sklearn_similarities(query: str, texts: list[str]) -> list[float]:
    def cosines(vectorizer: TfidfVectorizer) -> np.ndarray:
        try:
            matrix = vectorizer.fit_transform([query, *texts])
        except ValueError:  # an empty vocabulary
            return np.zeros(len(texts))
        return np.asarray((matrix[1:] @ matrix[0].T).toarray()).ravel()

    words = TfidfVectorizer(preprocessor=normalise, token_pattern=r"(?u)\b\w\w+\b",
                            ngram_range=(1, 2), sublinear_tf=True)  # fmt: skip
    chars = TfidfVectorizer(preprocessor=normalise, analyzer="char_wb", ngram_range=(3, 5),
                            sublinear_tf=True)  # fmt: skip
    return [float(x) for x in (cosines(words) + cosines(chars)) / 2]


def test_similarity_is_scikit_learns_tf_idf_cosine(rows: list[tone.Row]) -> None:
    texts = [r.text for r in rows[:80]] + ODD
    for query in [rows[3].text, rows[200].text, "принтер", "", "a"]:
        ours = similarity.similarities(query, texts)
        assert ours == pytest.approx(_sklearn_similarities(query, texts), abs=1e-12)
