"""The model-level check every settings and registry write runs before it saves a row.

Django's `full_clean` knows each column's limits (lengths, choices, formats, and integer
ranges); running it turns input the database would refuse into a `ValidationFailed` naming the
fields, i.e. a 422 instead of a 500. Integer ranges are PostgreSQL's on every database (SQLite
takes any 64-bit integer), so a value is refused the same way in development and production. Relations are left out: services check the rows they point to themselves, with messages
that say which row is missing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import CharField, IntegerField, Model, TextField

from deskline.core.errors import ValidationFailed

#: The range of each integer column type on PostgreSQL.
INTEGER_RANGES: dict[str, tuple[int, int]] = BaseDatabaseOperations.integer_field_ranges


def check_row(row: Model, message: str = "the record is not valid") -> None:
    """Raise ValidationFailed (fields named) unless `row`'s own fields hold storable values.

    A null sent for text the row keeps as "" clears it: `full_clean` lets None through for a
    field that may be blank, and the NOT NULL column would refuse it.
    """
    relations, fields = [], {}
    for field in row._meta.concrete_fields:
        value = getattr(row, field.attname)
        if field.is_relation:
            relations.append(field.name)
        elif isinstance(field, CharField | TextField) and not field.null and value is None:
            setattr(row, field.attname, "")
        elif isinstance(field, IntegerField) and isinstance(value, int):
            bounds = INTEGER_RANGES.get(field.get_internal_type())
            if bounds is not None and not bounds[0] <= value <= bounds[1]:
                low, high = bounds
                fields[field.name] = f"must be between {low} and {high}"
    try:
        row.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            fields.setdefault(name, " ".join(messages))
    if fields:
        raise ValidationFailed(message, fields=fields)
