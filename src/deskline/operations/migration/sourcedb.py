"""Read-only access to another help desk's database by URL, through plain DB-API drivers.

`sqlite:///path/to/db.sqlite3` (Python's sqlite3, opened read-only) and
`postgres://user:password@host:port/name` (psycopg, which Deskline already uses; a schema is
chosen with `?options=-csearch_path%3Dname`). `mysql://user:password@host/name` needs the
PyMySQL driver installed. Rows come back as dicts keyed by column name.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit


class SourceError(Exception):
    """The old system cannot be read (URL, driver, missing table); the message says why."""


class SourceDb:
    """One connection to the old database; `rows(sql, params)` with `%s` placeholders."""

    def __init__(self, connection: Any, vendor: str) -> None:
        self.connection = connection
        self.vendor = vendor

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        if self.vendor == "sqlite":
            sql = sql.replace("%s", "?")
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql, tuple(params))
            names = [column[0] for column in cursor.description or ()]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            cursor.close()

    def has_table(self, name: str) -> bool:
        try:
            self.rows(f"SELECT 1 FROM {name} WHERE 1 = 0")  # noqa: S608 - a constant of the code
        except Exception:  # noqa: BLE001 - every driver names its own "no such table" error
            self.connection.rollback()
            return False
        return True


def _connect(url: str) -> SourceDb:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = Path(unquote(parts.path[1:] if parts.path.startswith("//") else parts.path))
        if not path.is_file():
            raise SourceError(f"no SQLite database at {path}")
        return SourceDb(sqlite3.connect(f"file:{path}?mode=ro", uri=True), "sqlite")
    if scheme in ("postgres", "postgresql"):
        import psycopg

        try:
            # Autocommit: a long import holds no transaction open on the old server.
            connection = psycopg.connect(url.replace("postgres://", "postgresql://", 1),
                                         autocommit=True)  # fmt: skip
            return SourceDb(connection, "postgresql")
        except psycopg.Error as exc:
            raise SourceError(f"cannot connect to {parts.hostname}: {exc}") from exc
    if scheme == "mysql":
        try:
            import pymysql  # type: ignore[import-not-found, unused-ignore]
        except ImportError as exc:
            raise SourceError(
                "reading MySQL needs the PyMySQL driver: pip install PyMySQL"
            ) from exc
        connection = pymysql.connect(
            host=parts.hostname or "localhost", port=parts.port or 3306,
            user=unquote(parts.username or ""), password=unquote(parts.password or ""),
            database=parts.path.lstrip("/"), charset="utf8mb4",
        )  # fmt: skip
        return SourceDb(connection, "mysql")
    raise SourceError(f"unsupported database URL {scheme}://…: use sqlite, postgres or mysql")


@contextmanager
def source_db(url: str) -> Iterator[SourceDb]:
    db = _connect(url)
    try:
        yield db
    finally:
        db.connection.close()


def in_clause(values: Sequence[Any]) -> str:
    """`(%s, %s, …)` for `values` (never empty: the caller skips an empty batch)."""
    return "(" + ", ".join(["%s"] * len(values)) + ")"
