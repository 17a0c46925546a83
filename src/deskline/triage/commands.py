"""`deskline triage ...` commands: evaluate a classifier on CSV files (no database needed), and
train the installation's models from its ticket history."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from deskline.triage.fields import NAMES as FIELD_NAMES

if TYPE_CHECKING:  # NumPy and scikit-learn: imported by the commands that use them
    import numpy as np

    from deskline.triage import classifier


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Train on one CSV (settings by cross-validation on it), print the figures on the other."""
    from deskline.triage import classifier  # scikit-learn: not for every `deskline` command

    try:
        train_texts, train_labels = classifier.read_csv(
            args.train, args.text_column, args.label_column
        )
        test_texts, test_labels = classifier.read_csv(
            args.test, args.text_column, args.label_column
        )
    except (classifier.DataError, UnicodeDecodeError) as exc:
        print(f"deskline: {exc}", file=sys.stderr)
        return 1
    if len(set(train_labels)) < 2:
        print(f"deskline: {args.train}: at least two labels are needed", file=sys.stderr)
        return 1
    train_vectors = test_vectors = None
    encoder_name = ""
    if args.embeddings:
        from deskline.triage import embeddings

        try:
            started = time.monotonic()
            train_vectors = _vectors(train_texts, args.vectors_cache)
            test_vectors = _vectors(test_texts, args.vectors_cache)
            encoder_name = embeddings.encoder().name
        except embeddings.NotInstalled as exc:
            print(f"deskline: {exc}", file=sys.stderr)
            return 1
        print(f"embeddings: {encoder_name} ({time.monotonic() - started:.1f} s)")
    started = time.monotonic()
    print(
        f"train: {len(train_texts)} rows, {len(set(train_labels))} labels; test: {len(test_texts)} rows"
    )
    if len(train_texts) > classifier.CV_SAMPLE:
        print(f"cv on a stratified sample of about {classifier.CV_SAMPLE} rows")
    model = classifier.train(
        train_texts,
        train_labels,
        folds=args.folds,
        embeddings=train_vectors,
        encoder=encoder_name,
    )
    for settings, score in model.cv_scores:
        print(f"cv {settings.label()}: {score:.4f}")
    print(f"chosen: {model.settings.label()} ({time.monotonic() - started:.1f} s)")
    if model.fusion is not None:
        for weight, score in model.fusion.scores:
            print(f"cv fusion weight {weight:g}: {score:.4f}")
        print(f"fusion weight: {model.fusion.weight:g}")
    result = classifier.evaluate(model, test_texts, test_labels, test_vectors)
    print(f"prediction p50: {_p50_ms(model, test_texts, test_vectors):.2f} ms per ticket")
    print(f"macro-F1: {result.macro_f1:.4f}")
    print(f"ECE: {result.ece:.4f}")
    if result.threshold_98 is None:
        print("coverage at 98% precision: 0.0% (no threshold reaches it)")
    else:
        print(
            f"coverage at 98% precision: {result.coverage_98:.1%} "
            f"(threshold {result.threshold_98:.3f})"
        )
    print(f"accuracy: {result.accuracy:.4f}")
    return 0


def _vectors(texts: list[str], cache: str | None) -> np.ndarray:
    """The texts' embeddings, from `cache` (a folder) when they were computed before."""
    import numpy as np

    from deskline.triage import embeddings

    if not cache:
        return embeddings.encode(texts)
    key = embeddings.text_hash(embeddings.encoder().name + "\0" + "\0".join(texts))
    path = Path(cache) / f"{key[:32]}.npy"
    if path.is_file():
        return np.asarray(np.load(path), dtype=np.float32)
    vectors = embeddings.encode(texts)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def _p50_ms(model: classifier.Classifier, texts: list[str], vectors: np.ndarray | None) -> float:
    """Median time to predict one ticket (its vector already stored), over up to 300 texts."""
    import numpy as np

    times = []
    for i, text in enumerate(texts[:300]):
        row = None if vectors is None else vectors[i : i + 1]
        started = time.perf_counter()
        model.predict([text], row)
        times.append(time.perf_counter() - started)
    return float(np.median(times) * 1000)


def cmd_train(args: argparse.Namespace) -> int:
    """Train each field's model from history, with a progress bar; say what became active."""
    from tqdm import tqdm

    from deskline.cli import _setup

    _setup(install=False)
    from deskline.triage.training import train_field

    fields = args.field or list(FIELD_NAMES)
    results = []
    with tqdm(total=len(fields), unit="model", file=sys.stderr) as bar:
        for name in fields:
            results.append(train_field(name, progress=bar.set_description))
            bar.update()
    for result in results:
        print(result.message)
    return 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `triage` command and its actions, for the `deskline` CLI."""
    triage = commands.add_parser(
        "triage", help="triage models: train [--field F], evaluate --train F --test F"
    )
    actions = triage.add_subparsers(dest="triage_command", required=True, metavar="ACTION")
    evaluate = actions.add_parser(
        "evaluate", help="train on one CSV, print accuracy, macro-F1 and ECE on another"
    )
    evaluate.add_argument("--train", required=True, help="CSV to train on (header row)")
    evaluate.add_argument("--test", required=True, help="CSV to evaluate on (header row)")
    evaluate.add_argument("--text-column", default="text")
    evaluate.add_argument("--label-column", default="category")
    evaluate.add_argument("--folds", type=int, default=3, help="cross-validation folds (3)")
    evaluate.add_argument(
        "--embeddings",
        action="store_true",
        help="add sentence embeddings (needs the ml extra: pip install 'deskline[ml]')",
    )
    evaluate.add_argument(
        "--vectors-cache", metavar="DIR", help="with --embeddings: keep the vectors here"
    )
    evaluate.set_defaults(handler=cmd_evaluate)
    train = actions.add_parser(
        "train", help="train the category/type/team/priority models from closed tickets"
    )
    train.add_argument(
        "--field", action="append", choices=FIELD_NAMES, help="only this field (repeatable)"
    )
    train.set_defaults(handler=cmd_train)
