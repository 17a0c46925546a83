"""`deskline triage evaluate`: figures on a small BANKING77 subset, clear errors on bad input."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from deskline.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "banking77"


def _subset(source: Path, target: Path, labels: int, per_label: int) -> None:
    by_label: dict[str, list[str]] = defaultdict(list)
    with source.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_label[row["category"]].append(row["text"])
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "category"])
        for label in sorted(by_label)[:labels]:
            writer.writerows((text, label) for text in by_label[label][:per_label])


@pytest.fixture(scope="module")
def subset(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("banking77")
    _subset(DATA / "train.csv", folder / "train.csv", labels=8, per_label=40)
    _subset(DATA / "heldout.csv", folder / "test.csv", labels=8, per_label=15)
    return folder / "train.csv", folder / "test.csv"


def test_evaluate_reaches_a_sane_accuracy_and_ends_with_it(subset, capsys):
    train, test = subset
    assert main(["triage", "evaluate", "--train", str(train), "--test", str(test)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1].startswith("accuracy: 0.")
    assert len(lines[-1]) == len("accuracy: 0.xxxx")
    assert float(lines[-1].split()[1]) >= 0.8
    assert any(line.startswith("macro-F1: ") for line in lines)
    assert any(line.startswith("ECE: ") for line in lines)
    assert any(line.startswith("coverage at 98% precision: ") for line in lines)


def test_evaluate_says_which_file_is_missing(subset, tmp_path, capsys):
    train, _ = subset
    missing = tmp_path / "nope.csv"
    assert main(["triage", "evaluate", "--train", str(train), "--test", str(missing)]) == 1
    assert f"{missing}: no such file" in capsys.readouterr().err


def test_evaluate_says_which_column_is_missing(subset, capsys):
    train, test = subset
    code = main(
        ["triage", "evaluate", "--train", str(train), "--test", str(test), "--label-column", "x"]
    )
    assert code == 1
    assert "no column 'x'" in capsys.readouterr().err
