"""What the registry's writes share: the role check, reading references, checking fields, saving.

Rules about one row come from the models (lengths, choices, formats via `full_clean`); the
helpers here add what spans rows: a referenced id exists, a patch names only fields that may
change, a name or number is not taken. A uniqueness check before the insert cannot see a request
racing this one, so the insert runs in a savepoint and a clash it hits is reported the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet

from deskline.accounts.models import User
from deskline.core.errors import NotFound, ValidationFailed
from deskline.core.permissions import require_registry_writer
from deskline.core.records import check_row, invalid

M = TypeVar("M", bound=Model)


def locked(model: type[M], pk: int) -> M:
    """The row to change, locked until the transaction ends; NotFound names it by its model."""
    row = model._default_manager.select_for_update().filter(pk=pk).first()
    if row is None:
        raise NotFound(f"{model._meta.verbose_name} {pk} not found")
    return row


# Fields.


def check_changes(changes: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationFailed(
            "these fields cannot be changed", fields={f: "cannot be changed" for f in unknown}
        )


def assign(row: Model, values: Mapping[str, Any], names: frozenset[str]) -> None:
    """Copy the given `names` from `values` onto the row, strings stripped."""
    for name in names & set(values):
        value = values[name]
        setattr(row, name, value.strip() if isinstance(value, str) else value)


def decimal(
    field: str,
    value: float | Decimal | None,
    *,
    low: float,
    high: float = math.inf,
    step: str,
    why: str,
) -> Decimal | None:
    """A JSON number as a Decimal rounded to `step`; `why` when outside `low`..`high`."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise invalid(field, "must be a number")
    if not math.isfinite(value) or not low <= value <= high:
        raise invalid(field, why)
    try:
        return Decimal(str(value)).quantize(Decimal(step))
    except InvalidOperation:  # more digits than a Decimal context holds
        raise invalid(field, "too large") from None


# Saving.


class Unique(NamedTuple):
    """A value only one row may hold: the field to blame and the rows that hold the same."""

    field: str
    holders: QuerySet[Any]
    why: str = "already taken"

    def taken(self, row: Model) -> bool:
        return self.holders.exclude(pk=row.pk).exists()

    def check(self, row: Model) -> None:
        if self.taken(row):
            raise invalid(self.field, self.why)


def save(row: Model, unique: Unique | None = None, **options: Any) -> None:
    """Save the row; a clash with a row written since `unique` was checked is a 422 as well.

    The insert runs in a savepoint, so the transaction survives the clash. An IntegrityError
    that is not the clash (no other row holds the value) is left to propagate.
    """
    if unique is None:
        row.save(**options)
        return
    try:
        with transaction.atomic():
            row.save(**options)
    except IntegrityError as exc:
        if unique.taken(row):
            raise invalid(unique.field, unique.why) from exc
        raise


def clean_and_save(row: Model, unique: Unique | None = None) -> None:
    """Check the value `unique` guards, then the row's own fields (lengths, choices, formats),
    then save it."""
    if unique is not None:
        unique.check(row)
    check_row(row)
    save(row, unique)


def updated(
    actor: User,
    model: type[M],
    pk: int,
    changes: Mapping[str, Any],
    allowed: frozenset[str],
    apply: Callable[[M, Mapping[str, Any]], M],
) -> M:
    """The usual update: check the role and the changed fields, lock the row, apply them."""
    require_registry_writer(actor)
    check_changes(changes, allowed)
    return apply(locked(model, pk), changes)
