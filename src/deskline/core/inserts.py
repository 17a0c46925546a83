"""Lean single-row INSERTs for the hot write path (ticket creation, events, SLA rows).

`Model.save()` rebuilds the INSERT statement on every call: it walks every field through the
SQL compiler, quotes every column and sends the save signals. On the ticket write path that was
about a third of the web process's CPU. `insert` builds each model's statement once per
process and only converts the values on each call, with the same field hooks the ORM uses
(`pre_save`, so `auto_now_add` still stamps, and `get_db_prep_save`, so JSON and datetimes are
adapted exactly as by `save()`).

It sends no `pre_save`/`post_save` signals, so it is only for models nothing listens to; a model
with a receiver is refused (see `_refuse_watched`), so a later listener cannot be skipped
silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.fields import NOT_PROVIDED
from django.db.models.signals import post_save, pre_save

_INTEGER_FIELDS = (
    models.AutoField, models.BigAutoField, models.SmallAutoField, models.IntegerField,
    models.BigIntegerField, models.SmallIntegerField, models.PositiveIntegerField,
    models.PositiveBigIntegerField, models.PositiveSmallIntegerField,
)  # fmt: skip
_NONE = type(None)


@dataclass(frozen=True)
class _Statement:
    sql: str
    fields: tuple[models.Field, ...]  # type: ignore[type-arg]
    plain: tuple[tuple[type, ...], ...]  # per field: value types sent as they are (_plain_types)
    returned: tuple[str, ...]  # attribute names read back from RETURNING


_statements: dict[tuple[Any, ...], _Statement] = {}


def insert(
    obj: models.Model,
    *,
    from_database: Mapping[str, str] | None = None,
    receivers_replicated: bool = False,
) -> None:
    """INSERT `obj` as a new row and set its primary key (like `save(force_insert=True)`).

    `from_database` maps field names to SQL expressions the database evaluates in the INSERT
    (say `nextval(...)` for a number), each read back into `obj`; they must be constants of
    the code, never user input. `receivers_replicated=True` is for a caller that has already
    done what the model's save receivers would do (see `core.jobs`).
    """
    model = type(obj)
    alias = router.db_for_write(model, instance=obj)
    connection = connections[alias]
    generated_pk = obj.pk is None
    expressions = tuple(sorted((from_database or {}).items()))
    key = (model, alias, generated_pk, expressions)
    statement = _statements.get(key)
    if statement is None:
        if not receivers_replicated:
            _refuse_watched(model)
        statement = _statements[key] = _build(model, connection, generated_pk, dict(expressions))
    params = []
    for field, plain in zip(statement.fields, statement.plain, strict=True):
        value = getattr(obj, field.attname) if plain else field.pre_save(obj, True)
        if type(value) not in plain:
            value = field.get_db_prep_save(value, connection)
        params.append(value)
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        if statement.returned:
            row = cursor.fetchone()
            assert row is not None
            for name, value in zip(statement.returned, row, strict=True):
                setattr(obj, name, value)
        elif generated_pk:
            obj.pk = cursor.lastrowid
    obj._state.adding = False
    obj._state.db = alias


def _build(
    model: type[models.Model],
    connection: BaseDatabaseWrapper,
    generated_pk: bool,
    expressions: Mapping[str, str],
) -> _Statement:
    ops = connection.ops
    meta = model._meta
    fields = [
        field
        for field in meta.concrete_fields
        if not (generated_pk and field.primary_key) and not getattr(field, "generated", False)
    ]
    for field in fields:
        if hasattr(field, "get_placeholder") or field.db_default is not NOT_PROVIDED:
            raise TypeError(f"insert() does not handle {meta.label}.{field.name}; use save()")
    unknown = set(expressions) - {field.name for field in fields}
    if unknown:
        raise TypeError(f"{meta.label} has no insertable field {sorted(unknown)}")
    can_return = connection.features.can_return_columns_from_insert
    if expressions and not can_return:
        raise TypeError(f"{connection.vendor} cannot return values from an INSERT")
    columns = [ops.quote_name(field.column) for field in fields]
    values = ["%s"] * len(fields)
    parameterised = tuple(field for field in fields if field.name not in expressions)
    for index, field in enumerate(fields):
        if field.name in expressions:
            values[index] = expressions[field.name]
    returned = [field for field in fields if field.name in expressions]
    if generated_pk and can_return:
        returned.insert(0, meta.pk)
    # Identifiers come from model metadata, quoted; values are parameters or code constants.
    sql = (
        f"INSERT INTO {ops.quote_name(meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join(values)})"
    )
    if returned:
        sql += " RETURNING " + ", ".join(ops.quote_name(field.column) for field in returned)
    plain = tuple(_plain_types(field) for field in parameterised)
    return _Statement(sql, parameterised, plain, tuple(field.attname for field in returned))


def _plain_types(field: models.Field) -> tuple[type, ...]:  # type: ignore[type-arg]
    """The value types this field saves unchanged, so `insert` skips its conversion.

    Only exact Django classes whose `pre_save` just reads the attribute qualify (a subclass, say
    an encrypted text field, may convert differently), and only the values they keep as they
    are: an int for an integer (not a bool, which they turn into 0 or 1), a bool for a boolean,
    a str for text, and None (also for a date or time, whose values need converting).
    """
    kind = type(field)
    if kind in (models.ForeignKey, models.OneToOneField):
        kind = type(field.target_field)  # type: ignore[attr-defined]
        return (int, _NONE) if kind in _INTEGER_FIELDS else ()
    if kind in _INTEGER_FIELDS:
        return (int, _NONE)
    if kind is models.BooleanField:
        return (bool, _NONE)
    if kind in (models.CharField, models.TextField):
        return (str, _NONE)
    if kind in (models.DateTimeField, models.DateField) and not (
        field.auto_now or field.auto_now_add  # type: ignore[attr-defined]
    ):
        return (_NONE,)  # a value needs the backend's adaptation; an empty one is NULL
    return ()


def _refuse_watched(model: type[models.Model]) -> None:
    for signal in (pre_save, post_save):
        if signal.has_listeners(model):
            raise TypeError(f"{model._meta.label} has save receivers; insert() would skip them")
