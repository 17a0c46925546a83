"""Statements built by the ORM once and run again with other ids.

A page's badge queries (a ticket list's tones and duplicates, its companies' overdue invoices)
are the same statement every time but for the ids of the page's rows. Building and compiling
such a queryset (subqueries, joins, aggregates) costs 1-3 ms of Python per page, several times
what running it costs. `rows_for_ids` has the ORM build the statement once per shape, with
stand-in ids, keeps its SQL and the ORM's converters of its columns (dates and decimals on
SQLite, for instance), and runs that SQL with the page's ids.

A shape is the caller's key and the number of ids (at most `MAX_IDS`; beyond, the ORM builds
it each time). The key must name every other value the queryset depends on (e.g. today's
date): those are frozen into the kept statement's parameters. Statements are kept per thread,
as Django keeps its connections.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet

MAX_IDS = 200
#: Statements kept per thread; past it they are all dropped (keys holding a date pile up).
MAX_KEPT = 1000
#: Stand-in ids: no real row has them, and no other parameter of the statement equals them.
_BASE = -(2**62)

_local = threading.local()


@dataclass(frozen=True)
class _Statement:
    alias: str
    sql: str
    params: tuple[Any, ...]
    positions: tuple[int, ...]  # where the ids go among the parameters, in order
    converters: tuple[tuple[int, tuple[list[Any], Any]], ...]  # as the ORM's compiler keeps them


def _compile(queryset: QuerySet[Any], n: int) -> _Statement:
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    stand_ins = {_BASE - i: i for i in range(n)}
    positions = [-1] * n
    for position, value in enumerate(params):
        if type(value) is int and value in stand_ins:
            index = stand_ins[value]
            if positions[index] != -1:
                raise ValueError("a stand-in id appears twice in the statement")
            positions[index] = position
    if -1 in positions:
        raise ValueError("a stand-in id is missing from the statement")
    fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
    converters = tuple(compiler.get_converters(fields).items())
    return _Statement(queryset.db, sql, tuple(params), tuple(positions), converters)


def rows_for_ids(
    key: Hashable, build: Callable[[list[int]], QuerySet[Any]], ids: Sequence[int]
) -> list[tuple[Any, ...]]:
    """The rows of `build(ids)` (a `values_list` queryset whose only id-dependent parameters
    are `ids`, each used once), from the statement kept for this shape."""
    unique = list(dict.fromkeys(ids))
    if not unique:
        return []
    if len(unique) > MAX_IDS:
        return [tuple(row) for row in build(unique)]
    kept: dict[Hashable, _Statement] = _local.__dict__.setdefault("statements", {})
    shape = (key, len(unique))
    statement = kept.get(shape)
    if statement is None:
        if len(kept) >= MAX_KEPT:
            kept.clear()
        statement = _compile(build([_BASE - i for i in range(len(unique))]), len(unique))
        kept[shape] = statement
    params = list(statement.params)
    for index, position in enumerate(statement.positions):
        params[position] = unique[index]
    connection = connections[statement.alias]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        rows = cursor.fetchall()
    if not statement.converters:
        return [tuple(row) for row in rows]
    converted = []
    for row in rows:
        values = list(row)
        for position, (functions, expression) in statement.converters:
            value = values[position]
            for function in functions:
                value = function(value, expression, connection)
            values[position] = value
        converted.append(tuple(values))
    return converted
