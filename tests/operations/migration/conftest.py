"""Old help desks' databases next to the test database: a SQLite file, or a schema of the same
PostgreSQL database when the tests run on PostgreSQL (written through its own connection, so
the importer's connection sees it)."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest
from django.db import connection

from tests.operations.migration import helpdesk_db as helpdesk_schema
from tests.operations.migration import osticket_db as osticket_schema
from tests.operations.migration.helpdesk_db import Filler


@dataclass
class OldDb:
    url: str
    media: Path
    ids: dict[str, int]
    vendor: str
    _sqlite: Path | None = None
    _pg: tuple[str, str] | None = None

    def run(self, change: Callable[[Filler], Any]) -> Any:
        """Run `change(filler)` against the old database, committed."""
        if self._sqlite is not None:
            con = sqlite3.connect(self._sqlite)
            try:
                result = change(Filler(con.cursor(), "sqlite", self.media))
                con.commit()
            finally:
                con.close()
            return result
        assert self._pg is not None
        dsn, schema = self._pg
        with psycopg.connect(dsn, autocommit=True) as con, con.cursor() as cur:
            cur.execute(f'SET search_path TO "{schema}"')
            return change(Filler(cur, "postgresql", self.media))


HelpdeskDb = OldDb


def _pg_dsn() -> str:
    s = connection.settings_dict
    return (f"postgresql://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}")  # fmt: skip


def _old_db(tmp_path: Path, schema: ModuleType) -> Iterator[OldDb]:
    media = tmp_path / "media"
    if connection.vendor != "postgresql":
        path = tmp_path / "old.sqlite3"
        con = sqlite3.connect(path)
        schema.create_schema(con.cursor(), "sqlite")
        ids = schema.fill(Filler(con.cursor(), "sqlite", media))
        con.commit()
        con.close()
        yield OldDb(f"sqlite:///{path}", media, ids, "sqlite", _sqlite=path)
        return
    dsn, name = _pg_dsn(), f"old_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dsn, autocommit=True) as con, con.cursor() as cur:
        cur.execute(f'CREATE SCHEMA "{name}"')
        cur.execute(f'SET search_path TO "{name}"')
        schema.create_schema(cur, "postgresql")
        ids = schema.fill(Filler(cur, "postgresql", media))
    try:
        yield OldDb(f"{dsn}?options=-csearch_path%3D{name}", media, ids, "postgresql",
                    _pg=(dsn, name))  # fmt: skip
    finally:
        with psycopg.connect(dsn, autocommit=True) as con:
            con.execute(f'DROP SCHEMA "{name}" CASCADE')


@pytest.fixture
def helpdesk_db(db: None, tmp_path: Path) -> Iterator[OldDb]:
    yield from _old_db(tmp_path, helpdesk_schema)


@pytest.fixture
def osticket_db(db: None, tmp_path: Path) -> Iterator[OldDb]:
    yield from _old_db(tmp_path, osticket_schema)
