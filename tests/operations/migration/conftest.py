"""A django-helpdesk database next to the test database: a SQLite file, or a schema of the
same PostgreSQL database when the tests run on PostgreSQL (written through its own connection,
so the importer's connection sees it)."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.operations.migration.helpdesk_db import Filler, create_schema, fill


@dataclass
class HelpdeskDb:
    url: str
    media: Path
    ids: dict[str, int]
    vendor: str
    _sqlite: Path | None = None
    _pg: tuple[str, str] | None = None

    def run(self, sql_fill: object) -> dict[str, int] | int:
        """Run `sql_fill(filler)` against the old database, committed."""
        if self._sqlite is not None:
            con = sqlite3.connect(self._sqlite)
            try:
                result = sql_fill(Filler(con.cursor(), "sqlite", self.media))  # type: ignore[operator]
                con.commit()
            finally:
                con.close()
            return result  # type: ignore[no-any-return]
        assert self._pg is not None
        dsn, schema = self._pg
        with psycopg.connect(dsn, autocommit=True) as con, con.cursor() as cur:
            cur.execute(f'SET search_path TO "{schema}"')
            return sql_fill(Filler(cur, "postgresql", self.media))  # type: ignore[operator,no-any-return]


def _pg_dsn() -> str:
    s = connection.settings_dict
    return (f"postgresql://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}")  # fmt: skip


@pytest.fixture
def helpdesk_db(db: None, tmp_path: Path) -> Iterator[HelpdeskDb]:
    media = tmp_path / "media"
    if connection.vendor != "postgresql":
        path = tmp_path / "helpdesk.sqlite3"
        con = sqlite3.connect(path)
        create_schema(con.cursor(), "sqlite")
        ids = fill(Filler(con.cursor(), "sqlite", media))
        con.commit()
        con.close()
        yield HelpdeskDb(f"sqlite:///{path}", media, ids, "sqlite", _sqlite=path)
        return
    dsn, schema = _pg_dsn(), f"helpdesk_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dsn, autocommit=True) as con, con.cursor() as cur:
        cur.execute(f'CREATE SCHEMA "{schema}"')
        cur.execute(f'SET search_path TO "{schema}"')
        create_schema(cur, "postgresql")
        ids = fill(Filler(cur, "postgresql", media))
    try:
        yield HelpdeskDb(f"{dsn}?options=-csearch_path%3D{schema}", media, ids, "postgresql",
                         _pg=(dsn, schema))  # fmt: skip
    finally:
        with psycopg.connect(dsn, autocommit=True) as con:
            con.execute(f'DROP SCHEMA "{schema}" CASCADE')
