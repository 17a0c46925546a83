"""Transactional tests flush every table when they end: without a serialised rollback the flush
runs the post-migrate hooks, and the next transactional test on that worker fails to restore
the migrations' rows (content types, statuses). Every such marker must ask for the rollback."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
TRANSACTIONAL = re.compile(r"django_db\(([^)]*transaction=True[^)]*)\)")


def test_every_transactional_test_restores_the_migrations_rows() -> None:
    missing = [
        f"{path.relative_to(TESTS)}: {match.group(0)}"
        for path in TESTS.rglob("*.py")
        for match in TRANSACTIONAL.finditer(path.read_text(encoding="utf-8"))
        if "serialized_rollback=True" not in match.group(1)
    ]
    assert missing == []
