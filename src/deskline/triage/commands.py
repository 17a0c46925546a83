"""`deskline triage ...` commands that need no database: evaluate a classifier on CSV files."""

from __future__ import annotations

import argparse
import sys
import time

from deskline.triage import classifier


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Train on one CSV (settings by cross-validation on it), print the figures on the other."""
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
    started = time.monotonic()
    print(
        f"train: {len(train_texts)} rows, {len(set(train_labels))} labels; test: {len(test_texts)} rows"
    )
    model = classifier.train(train_texts, train_labels, folds=args.folds)
    for settings, score in model.cv_scores:
        print(f"cv {settings.label()}: {score:.4f}")
    print(f"chosen: {model.settings.label()} ({time.monotonic() - started:.1f} s)")
    result = classifier.evaluate(model, test_texts, test_labels)
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


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `triage` command and its actions, for the `deskline` CLI."""
    triage = commands.add_parser("triage", help="triage models: evaluate --train F --test F")
    actions = triage.add_subparsers(dest="triage_command", required=True, metavar="ACTION")
    evaluate = actions.add_parser(
        "evaluate", help="train on one CSV, print accuracy, macro-F1 and ECE on another"
    )
    evaluate.add_argument("--train", required=True, help="CSV to train on (header row)")
    evaluate.add_argument("--test", required=True, help="CSV to evaluate on (header row)")
    evaluate.add_argument("--text-column", default="text")
    evaluate.add_argument("--label-column", default="category")
    evaluate.add_argument("--folds", type=int, default=3, help="cross-validation folds (3)")
    evaluate.set_defaults(handler=cmd_evaluate)
