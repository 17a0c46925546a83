"""BANKING77 with and without sentence embeddings (the `ml` extra), on the copy in
`tests/data/banking77/` (trained on `train.csv`, scored on `heldout.csv`, a stratified fifth of
the official training split). Prints, per stack: the embedding weight chosen by 3-fold
cross-validation on the training file (uncalibrated SVM), training time (vectors already
stored), accuracy, macro-F1, ECE, coverage at 98% precision, prediction p50 on one thread
(the ticket's vector already stored), the pickled artefact's size; with `--large`, the training
time on 100,000 tickets made by repeating the training file with a distinct word each.

    python bench/triage_embeddings.py --vectors-cache .cache/vectors [--large]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskline.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from deskline.triage import classifier  # noqa: E402
from deskline.triage.commands import _p50_ms, _vectors  # noqa: E402
from deskline.triage.training import dump_classifier  # noqa: E402

DATA = ROOT / "tests" / "data" / "banking77"


def cv_weight(texts: list[str], labels: list[str], vectors: np.ndarray, weight: float) -> float:
    settings = classifier.Settings()
    splitter = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    scores = []
    for fit, score in splitter.split(texts, labels):
        features = classifier.build_features(settings)
        train = features.fit_transform([texts[i] for i in fit])
        svm = classifier.build_model(settings, calibrated=False)
        svm.fit(classifier.with_embeddings(train, vectors[fit], weight), [labels[i] for i in fit])
        test = classifier.with_embeddings(
            features.transform([texts[i] for i in score]), vectors[score], weight
        )
        scores.append(float(np.mean(svm.predict(test) == np.asarray(labels)[score])))
    return float(np.mean(scores))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vectors-cache", default=None)
    parser.add_argument("--weights", default="1,2,3")
    parser.add_argument("--large", action="store_true")
    parser.add_argument("--save", default=None, help="folder for the two artefacts")
    args = parser.parse_args()
    train_texts, train_labels = classifier.read_csv(DATA / "train.csv", "text", "category")
    test_texts, test_labels = classifier.read_csv(DATA / "heldout.csv", "text", "category")
    train_vectors = _vectors(train_texts, args.vectors_cache)
    test_vectors = _vectors(test_texts, args.vectors_cache)
    weights = [float(w) for w in args.weights.split(",")]
    scores = {}
    for weight in weights if len(weights) > 1 else []:
        scores[weight] = cv_weight(train_texts, train_labels, train_vectors, weight)
        print(f"cv weight {weight:g}: {scores[weight]:.4f}", flush=True)
    best = max(scores, key=scores.__getitem__) if scores else weights[0]
    grid = (classifier.Settings(),)
    for name, vectors, test in (("tfidf", None, None), ("tfidf+e5", train_vectors, test_vectors)):
        started = time.monotonic()
        model = classifier.train(train_texts, train_labels, grid=grid, embeddings=vectors,
                                 embedding_weight=best)  # fmt: skip
        seconds = time.monotonic() - started
        result = classifier.evaluate(model, test_texts, test_labels, test)
        if args.save:
            Path(args.save).mkdir(parents=True, exist_ok=True)
            (Path(args.save) / f"{name}.bin").write_bytes(dump_classifier(model))
        print(
            f"{name}: train {seconds:.1f} s, accuracy {result.accuracy:.4f}, "
            f"macro-F1 {result.macro_f1:.4f}, ECE {result.ece:.4f}, "
            f"coverage at 98% {result.coverage_98:.1%}, "
            f"p50 {_p50_ms(model, test_texts, test):.2f} ms, "
            f"artefact {len(dump_classifier(model)) / 1e6:.1f} MB compressed",
            flush=True,
        )
    if args.large:
        rng = np.random.default_rng(0)
        reps = -(-100_000 // len(train_texts))
        texts = [f"{t} w{i}" for i in range(reps) for t in train_texts][:100_000]
        labels = (train_labels * reps)[:100_000]
        noise = rng.standard_normal((len(texts), train_vectors.shape[1])).astype(np.float32)
        vectors = np.tile(train_vectors, (reps, 1))[:100_000] + 0.05 * noise
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        started = time.monotonic()
        classifier.train(texts, labels, grid=grid, embeddings=vectors, embedding_weight=best)
        print(
            f"100,000 tickets, tfidf+e5 from stored vectors: train {time.monotonic() - started:.1f} s"
        )


if __name__ == "__main__":
    main()
