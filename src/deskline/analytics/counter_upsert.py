"""Adding counters to the daily rows in one statement per batch: INSERT ... ON CONFLICT (key)
DO UPDATE SET counter = row.counter + excluded.counter.

Both SQLite (3.24+) and PostgreSQL read this statement the same way. It lets a rebuild flush its
partial sums as it goes (so its memory does not grow with the number of tickets) and lets two
event reactions add to the same new row at once without one of them failing on the unique key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import connection, models

from deskline.analytics.models import COUNTERS

#: Rows per statement: (7 key + 14 counter columns) x 1,000 stays under every backend's limit
#: on bound parameters (SQLite 32,766, PostgreSQL 65,535).
BATCH_ROWS = 1000


def add_counters(
    model: type[models.Model],
    key_fields: tuple[str, ...],
    rows: Mapping[str, Mapping[str, int]],
    split: Callable[[str], dict[str, Any]],
    counters: tuple[str, ...] = COUNTERS,
) -> None:
    """Add each key's counters to `model`'s row of that key, creating the row if it is new
    (`counters`: the columns added; the daily tables' COUNTERS unless told).

    Keys are written in sorted order, so that two transactions adding to the same rows take
    their locks in the same order (no deadlock on PostgreSQL).
    """
    keys = sorted(rows)
    for start in range(0, len(keys), BATCH_ROWS):
        _add_batch(
            model,
            key_fields,
            ((k, rows[k]) for k in keys[start : start + BATCH_ROWS]),
            split,
            counters,
        )


def _add_batch(
    model: type[models.Model],
    key_fields: tuple[str, ...],
    rows: Iterable[tuple[str, Mapping[str, int]]],
    split: Callable[[str], dict[str, Any]],
    counter_names: tuple[str, ...],
) -> None:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [*key_fields, *counter_names]
    params: list[Any] = []
    count = 0
    for key, counters in rows:
        values = split(key)
        params.extend(values[name] for name in key_fields)
        params.extend(counters.get(name, 0) for name in counter_names)
        count += 1
    if not count:
        return
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    updates = ", ".join(
        f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in counter_names
    )
    # Names come from the model's own fields; every value is a bound parameter.
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"VALUES {', '.join([placeholder] * count)} "
        f"ON CONFLICT ({', '.join(quote(c) for c in key_fields)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
