"""Timestamps read from PostgreSQL by psycopg's C parser.

Django reads every `timestamptz` value through its own loader (`BaseTzLoader`), a subclass of
psycopg's pure-Python `TimestamptzLoader`: with psycopg's C extension installed, a list page of
50 tickets still parses its 100-350 timestamps in Python (~3 µs each, about 1 ms of an API
page). When the connection's time zone is UTC (Django sets it so with `USE_TZ` and no
per-database `TIME_ZONE`), the C loader returns the very same values (aware, `tzinfo`
`datetime.timezone.utc`); `utc_loader_for` wraps it in a loader that also carries the
`timezone` attribute Django's `create_cursor` compares, so Django keeps it.

Nothing changes without the C extension (psycopg's pure-Python install), on another time zone
or on SQLite.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def _c_loader() -> type[Any] | None:
    from psycopg import adapters, postgres
    from psycopg.pq import Format

    oid = postgres.types["timestamptz"].oid
    loader = adapters.get_loader(oid, Format.TEXT)
    if loader is None or not loader.__module__.startswith("psycopg_binary"):
        return None
    return loader


def utc_loader() -> type[Any] | None:
    """A `timestamptz` loader for connections in UTC, or None without the C extension."""
    found = _c_loader()
    if found is None:
        return None
    base: type[Any] = found
    from psycopg.adapt import Loader

    class UtcTimestamptzLoader(Loader):
        timezone = dt.UTC  # what Django's `create_cursor` compares with the connection's

        def __init__(self, oid: int, context: Any = None) -> None:
            super().__init__(oid, context)
            self._load = base(oid, context).load

        def load(self, data: Any) -> dt.datetime:
            return self._load(data)  # type: ignore[no-any-return]

    return UtcTimestamptzLoader


_LOADER: list[type[Any] | None] = []


def connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Signal receiver: give a new PostgreSQL connection in UTC the C timestamp loader."""
    if connection.vendor != "postgresql" or connection.timezone is not dt.UTC:
        return
    if not _LOADER:
        _LOADER.append(utc_loader())
    loader = _LOADER[0]
    raw = connection.connection
    if loader is None or raw is None or not hasattr(raw, "adapters"):
        return  # psycopg 2 or no C extension
    if raw.pgconn.parameter_status(b"TimeZone") not in (b"UTC", b"Etc/UTC"):
        return
    raw.adapters.register_loader("timestamptz", loader)
