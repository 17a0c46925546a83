"""Tests that need a server this machine may lack (Chromium, Dovecot, PostgreSQL), or the
optional `ml` extra (its packaged encoder).

On a machine with only Python such a test is skipped, with a reason that says how to enable it.
CI sets DESKLINE_REQUIRE_SERVERS=1, which turns every such skip into a failure, so nothing is
silently skipped where it matters.
"""

from __future__ import annotations

import os

import pytest

REQUIRE_ENV = "DESKLINE_REQUIRE_SERVERS"


def servers_required() -> bool:
    return os.environ.get(REQUIRE_ENV, "").strip().lower() in ("1", "true", "yes")


def server_missing(what: str, how: str) -> None:
    """Skip the current test (fail it when servers are required): `what` is absent; `how`
    says how to get it."""
    if servers_required():
        pytest.fail(f"{what} is missing and {REQUIRE_ENV}=1: {how}", pytrace=False)
    pytest.skip(f"needs {what}: {how}")


def _on_postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


#: A test of PostgreSQL's own behaviour (plans, indexes, sequences): skipped on SQLite.
postgresql_only = pytest.mark.skipif(
    not _on_postgresql(),
    reason="PostgreSQL-only: run the suite with DATABASE_URL=postgres://... (CI's second pass does)",
)


#: A test of SQLite's own behaviour (query plans, FTS5): skipped on PostgreSQL.
sqlite_only = pytest.mark.skipif(
    _on_postgresql(), reason="SQLite-only: the behaviour under test is SQLite's"
)
