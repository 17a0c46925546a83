"""Checks every settings and registry write runs before it saves a row.

References: `ref`, `must_ref` and `refs` load the rows a request names by id; a missing one is
invalid input (a 422 naming the field), not a missing page.

Fields: Django's `full_clean` knows each column's limits (lengths, choices, formats, integer
ranges); `check_row` runs it so that input the database would refuse becomes a
`ValidationFailed` naming the fields, a 422 instead of a 500. Integer ranges are PostgreSQL's
on every database (SQLite takes any 64-bit integer), so a value is refused the same way in
development and production. Relations are left to the reference checks above.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import CharField, IntegerField, Model, TextField

from deskline.core.errors import ValidationFailed

M = TypeVar("M", bound=Model)

#: The range of each integer column type on PostgreSQL.
INTEGER_RANGES: dict[str, tuple[int, int]] = BaseDatabaseOperations.integer_field_ranges


def invalid(field: str, why: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {why}", fields={field: why})


def ref(model: type[M], field: str, pk: int | None) -> M | None:
    """The row with id `pk`, or None when no id is given."""
    return None if pk is None else must_ref(model, field, pk)


def must_ref(model: type[M], field: str, pk: int | None) -> M:
    if pk is None:
        raise invalid(field, "required")
    row = model._default_manager.filter(pk=pk).first()
    if row is None:
        raise invalid(field, f"no such id: {pk}")
    return row


def refs(model: type[M], field: str, ids: Sequence[int] | None) -> list[M]:
    wanted = set(ids or ())
    rows = list(model._default_manager.filter(pk__in=wanted))
    missing = wanted - {row.pk for row in rows}
    if missing:
        raise invalid(field, f"no such ids: {', '.join(map(str, sorted(missing)))}")
    return rows


def check_row(row: Model, message: str = "the record is not valid") -> None:
    """Raise ValidationFailed (fields named) unless `row`'s own fields hold storable values.

    A null sent for text the row keeps as "" clears it: `full_clean` lets None through for a
    field that may be blank, and the NOT NULL column would refuse it.
    """
    relations = []
    for field in row._meta.concrete_fields:
        if field.is_relation:
            relations.append(field.name)
        elif (
            isinstance(field, CharField | TextField)
            and not field.null
            and getattr(row, field.attname) is None
        ):
            setattr(row, field.attname, "")
    fields = integer_range_errors(row)
    try:
        row.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            fields.setdefault(name, " ".join(messages))
    if fields:
        raise ValidationFailed(message, fields=fields)


def integer_range_errors(row: Model) -> dict[str, str]:
    """The integer fields of `row` whose values PostgreSQL's column types cannot hold."""
    errors = {}
    for field in row._meta.concrete_fields:
        value = getattr(row, field.attname)
        bounds = INTEGER_RANGES.get(field.get_internal_type())
        if not isinstance(field, IntegerField) or not isinstance(value, int) or bounds is None:
            continue
        if not bounds[0] <= value <= bounds[1]:
            errors[field.name] = "must be between {} and {}".format(*bounds)
    return errors


def save_checked(row: M, message: str = "the values are not valid") -> M:
    """`check_row`, then save the row and return it."""
    check_row(row, message)
    row.save()
    return row
