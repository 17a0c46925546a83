"""BANKING77 with and without sentence embeddings (the `ml` extra), on its official splits in
`tests/data/banking77/official/` (trained on the 10,003 rows of `train.csv`, scored on the
3,080 of `test.csv`; `--heldout` for the older split of the training rows, `train.csv` →
`heldout.csv`). Prints, per stack: training time (vectors already stored; with embeddings the
fusion weight chosen by 3-fold cross-validation on the training rows), accuracy, macro-F1,
ECE, coverage at 98% precision, prediction p50 on one thread (the ticket's vector already
stored), the pickled artefact's size; with `--large`, the training time on 100,000 tickets made
by repeating the training file with a distinct word each (and noise on the vectors).

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

from deskline.triage import classifier  # noqa: E402
from deskline.triage.commands import _p50_ms, _vectors  # noqa: E402
from deskline.triage.training import dump_classifier  # noqa: E402

DATA = ROOT / "tests" / "data" / "banking77"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vectors-cache", default=None)
    parser.add_argument("--heldout", action="store_true", help="the older split of train.csv")
    parser.add_argument("--large", action="store_true")
    parser.add_argument("--only-large", action="store_true")
    parser.add_argument("--save", default=None, help="folder for the two artefacts")
    args = parser.parse_args()
    folder, train_name, test_name = (
        (DATA, "train.csv", "heldout.csv")
        if args.heldout
        else (DATA / "official", "train.csv", "test.csv")
    )
    train_texts, train_labels = classifier.read_csv(folder / train_name, "text", "category")
    test_texts, test_labels = classifier.read_csv(folder / test_name, "text", "category")
    train_vectors = _vectors(train_texts, args.vectors_cache)
    test_vectors = _vectors(test_texts, args.vectors_cache)
    grid = (classifier.Settings(),)
    stacks = (("tfidf", None, None), ("tfidf+e5", train_vectors, test_vectors))
    for name, vectors, test in stacks if not args.only_large else ():
        started = time.monotonic()
        model = classifier.train(train_texts, train_labels, grid=grid, embeddings=vectors)
        seconds = time.monotonic() - started
        result = classifier.evaluate(model, test_texts, test_labels, test)
        if args.save:
            Path(args.save).mkdir(parents=True, exist_ok=True)
            (Path(args.save) / f"{name}.bin").write_bytes(dump_classifier(model))
        if model.fusion is not None:
            tried = ", ".join(f"{w:g}: {s:.4f}" for w, s in model.fusion.scores)
            print(f"cv fusion weights {tried}; chosen {model.fusion.weight:g}", flush=True)
        print(
            f"{name}: train {seconds:.1f} s, accuracy {result.accuracy:.4f}, "
            f"macro-F1 {result.macro_f1:.4f}, ECE {result.ece:.4f}, "
            f"coverage at 98% {result.coverage_98:.1%}, "
            f"p50 {_p50_ms(model, test_texts, test):.2f} ms, "
            f"artefact {len(dump_classifier(model)) / 1e6:.1f} MB compressed",
            flush=True,
        )
    if args.large or args.only_large:
        rng = np.random.default_rng(0)
        reps = -(-100_000 // len(train_texts))
        texts = [f"{t} w{i}" for i in range(reps) for t in train_texts][:100_000]
        labels = (train_labels * reps)[:100_000]
        noise = rng.standard_normal((len(texts), train_vectors.shape[1])).astype(np.float32)
        vectors = np.tile(train_vectors, (reps, 1))[:100_000] + 0.05 * noise
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        started = time.monotonic()
        cpu = time.process_time()
        classifier.train(texts, labels, grid=grid, embeddings=vectors)
        print(
            f"100,000 tickets, tfidf+e5 from stored vectors: train "
            f"{time.monotonic() - started:.1f} s wall, {time.process_time() - cpu:.1f} s of CPU"
        )


if __name__ == "__main__":
    main()
