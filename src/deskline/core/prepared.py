"""Querysets whose SQL is compiled once per process and run again with new values.

Building a queryset and compiling it to SQL costs the ORM far more Python than running it: the
desk's ticket page spent about 25 of its 40 ms of CPU building and compiling a dozen queries
whose text never changes, only the ticket's id in them. A `PreparedQuery` wraps a function that
builds such a queryset from a few integer or string values. The first time it runs for a shape,
it builds the queryset with stand-in values, compiles it and notes where each stand-in lands in
the SQL's parameters; every later run substitutes the real values there and hands the cached
compiler to Django's own iterables, so the rows come back exactly as the queryset would give
them (model instances with their `select_related` rows and annotations, or `values()` dicts),
and its `prefetch_related` lookups run as usual.

What may vary between runs:

* `values` (keyword arguments): integers, strings, dates, or lists of them. A list's length is
  part of the shape (each element is a parameter of its own). They must reach the SQL
  unchanged (or, for a date, as its ISO text), as a foreign key or an integer, text or date
  column compares them; a stand-in that does not come back as a parameter (written into the
  SQL, or transformed otherwise) is refused when compiling.
* `shape` (a dict of hashable values): whatever changes the query's structure, such as which
  optional parts it has or the viewer's kind of access. Each shape is compiled once.

The `build` function must take everything that varies from its arguments: a value it reads
itself (the clock, a setting, the user) would be frozen into the cached SQL. A shape whose
query Django finds can match nothing (`EmptyResultSet`, e.g. `pk__in=[]`) is not cached: it is
built and run the ordinary way each time (no query, when Django is right).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Generic, TypeVar, cast

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet, prefetch_related_objects

T = TypeVar("T")
Scalar = int | str | dt.date
Value = Scalar | Sequence[Scalar]

#: Stand-ins: within a 32-bit integer column's range (Django refuses a lookup beyond it), and
#: far beyond any id, number or enum a build function writes as a constant.
_INT_BASE = 2_147_000_000
_STR_MARK = "\x1fprepared-{}\x1f"
_DATE_BASE = dt.date(1001, 1, 1)
_MISSING: Any = object()
#: psycopg prepares nothing on a connection whose threshold is None, even when asked; with a
#: threshold no statement reaches, it prepares only what `_prepared_rows` asks for.
_NEVER_BY_ITSELF = 2**31 - 1


@dataclass(frozen=True)
class _Compiled:
    queryset: QuerySet[Any]  # built with the stand-ins (its iterable class, prefetches, model)
    compiler: Any  # compiled once: select, klass_info, converters' fields
    sql: str
    vendor: str  # the database's, in case a test switches it
    #: Per SQL parameter: the index of the value that goes there (-1 for a constant), and
    #: whether it goes as its text.
    slots: tuple[tuple[int, bool], ...]
    constants: tuple[Any, ...]
    #: Per connection (by id, with the connection to check it): the columns' converters,
    #: which `results_iter` would otherwise work out again for every run.
    converters: dict[int, tuple[Any, Any]] = field(default_factory=dict)


class _QueryView:
    """The built query, answering `get_compiler` with the compiler that holds the SQL."""

    def __init__(self, query: Any, compiler: Any) -> None:
        self._query, self._compiler = query, compiler

    def get_compiler(self, *args: Any, **kwargs: Any) -> Any:
        return self._compiler

    def __getattr__(self, name: str) -> Any:
        return getattr(self._query, name)


class _Run:
    """What Django's iterables read of a queryset (`query`, `db`, `model`, ...), for one run."""

    def __init__(self, queryset: QuerySet[Any], compiler: Any) -> None:
        self.query = _QueryView(queryset.query, compiler)
        self.db = queryset.db
        self.model = queryset.model
        self._known_related_objects = queryset._known_related_objects  # type: ignore[attr-defined]
        self._fields = queryset._fields  # type: ignore[attr-defined]


def _stand_ins(values: Mapping[str, Value]) -> tuple[dict[str, Any], list[Any]]:
    """The stand-in for each value (a list for a list) and the stand-ins in order."""
    built: dict[str, Any] = {}
    order: list[Any] = []

    def one(sample: Any) -> Any:
        if isinstance(sample, (bool, dt.datetime)) or not isinstance(sample, (int, str, dt.date)):
            raise TypeError(f"a prepared query takes int, str or date values, not {sample!r}")
        stand_in: Any
        if isinstance(sample, int):
            stand_in = _INT_BASE + len(order)
        elif isinstance(sample, str):
            stand_in = _STR_MARK.format(len(order))
        else:
            stand_in = _DATE_BASE + dt.timedelta(days=len(order))
        order.append(stand_in)
        return stand_in

    for name, value in values.items():
        if isinstance(value, (list, tuple)):
            built[name] = [one(v) for v in value]
        else:
            built[name] = one(value)
    return built, order


def _flat(values: Mapping[str, Value]) -> list[Any]:
    flat: list[Any] = []
    for value in values.values():
        if isinstance(value, (list, tuple)):
            flat.extend(value)
        else:
            flat.append(value)
    return flat


def _structure(values: Mapping[str, Value]) -> tuple[Hashable, ...]:
    return tuple(
        (name, len(v) if isinstance(v, (list, tuple)) else type(v).__name__)
        for name, v in values.items()
    )


class PreparedQuery(Generic[T]):
    """A queryset built by `build(**shape, **values)`, compiled once per shape (see the module)."""

    def __init__(self, build: Callable[..., QuerySet[Any]], *, plan_once: bool = False) -> None:
        self._build = build
        #: Whether PostgreSQL keeps the statement prepared on each connection (see `_prepared_rows`).
        self._plan_once = plan_once
        self._compiled: dict[Hashable, Any] = {}
        self._lock = threading.Lock()

    def _compile(
        self, shape: Mapping[str, Hashable], values: Mapping[str, Value]
    ) -> _Compiled | None:
        stand_ins, order = _stand_ins(values)
        queryset = self._build(**shape, **stand_ins)
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        # Where each stand-in went: as it is, or as its text (a date on SQLite).
        position: dict[Any, tuple[int, bool]] = {}
        for i, stand_in in enumerate(order):
            position[stand_in] = (i, False)
            if not isinstance(stand_in, str):
                position[str(stand_in)] = (i, True)
        slots: list[tuple[int, bool]] = []
        for param in params:
            try:
                found = position.get(param) if not isinstance(param, bool) else None
            except TypeError:  # an unhashable constant (a list for an array or JSON column)
                found = None
            slots.append(found or (-1, False))
        used = {i for i, _ in slots}
        missing = [s for i, s in enumerate(order) if i not in used or str(s) in sql]
        if missing:
            raise ValueError(f"values that do not reach the SQL as parameters: {missing}")
        constants = tuple(p if i < 0 else None for p, (i, _) in zip(params, slots, strict=True))
        vendor = connections[queryset.db].vendor
        return _Compiled(queryset, compiler, sql, vendor, tuple(slots), constants)

    def _get(self, shape: Mapping[str, Hashable], values: Mapping[str, Value]) -> _Compiled | None:
        key = (tuple(sorted(shape.items())), _structure(values))
        compiled: _Compiled | None = self._compiled.get(key, _MISSING)
        if compiled is not _MISSING and (
            compiled is None or connections[compiled.queryset.db].vendor == compiled.vendor
        ):
            return compiled
        compiled = self._compile(shape, values)
        with self._lock:
            self._compiled[key] = compiled
        return compiled

    def all(self, *, shape: Mapping[str, Hashable] | None = None, **values: Value) -> list[T]:
        """The rows the built queryset gives for these values (one query, none when empty)."""
        shape = shape or {}
        values = dict(sorted(values.items()))  # the stand-ins' order, whatever the call's
        compiled = self._get(shape, values)
        if compiled is None:  # the stand-ins matched nothing (`pk__in=[]`): Django's own way
            return list(self._build(**shape, **values))
        flat = _flat(values)
        params = tuple(
            constant if i < 0 else str(flat[i]) if as_text else flat[i]
            for (i, as_text), constant in zip(compiled.slots, compiled.constants, strict=True)
        )
        queryset = compiled.queryset
        compiler = copy.copy(compiled.compiler)
        compiler.connection = db = connections[queryset.db]  # this thread's connection
        sql = compiled.sql
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        converters = compiled.converters.get(id(db))
        if converters is None or converters[0] is not db:  # each connection's own converters
            fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
            converters = (db, compiler.get_converters(fields))
            compiled.converters[id(db)] = converters
        found = converters[1]
        compiler.get_converters = lambda expressions: found
        if self._plan_once and db.vendor == "postgresql" and settings.DESKLINE_DB_PLAN_ONCE:
            fetched = _prepared_rows(db, sql, params)
            compiler.execute_sql = lambda *args, **kwargs: iter([fetched])
        iterable: Any = queryset._iterable_class
        rows: list[T] = list(iterable(_Run(queryset, compiler)))
        lookups = queryset._prefetch_related_lookups  # type: ignore[attr-defined]
        if lookups and rows:
            prefetch_related_objects(cast(Any, rows), *lookups)
        return rows


def _prepared_rows(db: Any, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """The rows of `sql`, run as a statement PostgreSQL prepares once on this connection and
    then plans no more. Django's cursors bind values in the client, so PostgreSQL plans every
    statement anew; for a wide join (the ticket page's ticket: ten joined tables) the planning
    costs ten times the run (7 ms against 0.5 at a million tickets). The statement goes
    through Django's cursor wrapper, so it is counted and logged like any other."""
    with db.cursor() as wrapper:
        if db.connection.prepare_threshold is None:  # Django's "never"; ours asks explicitly
            db.connection.prepare_threshold = _NEVER_BY_ITSELF
        client_cursor = wrapper.cursor
        wrapper.cursor = _preparing_cursor()(db.connection)
        try:
            wrapper.execute(sql, params)
            return list(wrapper.fetchall())
        finally:
            wrapper.cursor.close()
            wrapper.cursor = client_cursor


@functools.cache
def _preparing_cursor() -> type:
    """A psycopg cursor that binds values on the server and prepares every statement it runs
    (psycopg is imported only when PostgreSQL is used)."""
    import psycopg

    class PreparingCursor(psycopg.Cursor[Any]):
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            done = super().execute(query, params, prepare=True)
            if self._query is None:  # a prepared run keeps no text: Django's query log reads it
                self._query = SimpleNamespace(  # type: ignore[assignment]
                    query=f"{query} -- prepared; {params!r}".encode()
                )
            return done

    return PreparingCursor
