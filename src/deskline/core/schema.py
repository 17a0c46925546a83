"""The bases of API shapes: `OutSchema` for responses built from dicts, `InSchema` for requests.

django-ninja's `Schema` validates through `DjangoGetter`, which wraps every nested value to
resolve model attributes; a ticket response paid about 60 Python attribute look-ups for it,
a 50-row list 3,000. Our handlers build their responses as dicts (the `*_out` adapters), so
their shapes are plain pydantic models and validate entirely in pydantic's compiled core.

A list handler may go one step further with `rendered_as_declared`: its rows are built by the
same adapters, so validating fifty of them again on the way out only re-checks our own code; it
renders them exactly as ninja would after validation (same renderer, keys in the schema's order)
while the OpenAPI schema still comes from the declared `response=`.

Request shapes refuse what the database cannot store, so that such input gets a 422 naming
the field instead of failing in the database: NUL characters (PostgreSQL text and jsonb hold
none), integers beyond 64 bits (SQLite raised OverflowError, a 500), and time zone offsets PostgreSQL refuses (it accepts up to ±15:59, Python up to ±24h):
every datetime is taken to UTC, and a naive one is read in the server's time zone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Schema
from ninja.renderers import JSONRenderer
from ninja.schema import DjangoGetter
from pydantic import (
    BaseModel,
    ModelWrapValidatorHandler,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

NUL = "\x00"


class OutSchema(BaseModel):
    """A response shape validated from a dict (never from a model instance)."""


_RENDERER = JSONRenderer()  # the API's (`deskline.api` keeps ninja's default renderer)


def rendered_as_declared(request: HttpRequest, data: Any) -> HttpResponse:
    """`data` (built by the adapters that fill the handler's declared response shape, keys in
    its order) rendered as a 200 by the API's renderer, without validating it again."""
    content = _RENDERER.render(request, data, response_status=200)
    return HttpResponse(
        content, content_type=f"{_RENDERER.media_type}; charset={_RENDERER.charset}"
    )


def has_nul(value: object) -> bool:
    """Whether a string anywhere in `value` (keys of mappings included) holds a NUL."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(has_nul(item) for item in value)
    return False


#: The widest integer every database column holds (PostgreSQL bigint, SQLite INTEGER).
INT_MIN, INT_MAX = -(2**63), 2**63 - 1


def has_huge_int(value: object) -> bool:
    """Whether an integer anywhere in `value` is beyond 64 bits (no column can hold it)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not INT_MIN <= value <= INT_MAX
    if isinstance(value, dict):
        return any(has_huge_int(v) for v in value.values())
    if isinstance(value, list | tuple | set | frozenset):
        return any(has_huge_int(item) for item in value)
    return False


def huge_integer_text(text: str) -> bool:
    """Text (a query value, an address part; comma lists too) holding an integer beyond 64
    bits. ASCII digits only: "³¹".isdigit() is True, and int() refuses it."""
    for part in text.split(","):
        digits = part.strip()
        sign = -1 if digits.startswith("-") else 1
        digits = digits.lstrip("+-")
        if (
            digits.isascii()
            and digits.isdigit()
            and (len(digits) > 19 or has_huge_int(sign * int(digits)))
        ):
            return True
    return False


def int_range_error() -> PydanticCustomError:
    return PydanticCustomError("int_range", "out of range: at most 19 digits (a 64-bit integer)")


def nul_error() -> PydanticCustomError:
    return PydanticCustomError("nul_character", "must not contain NUL characters")


def in_utc(value: dt.datetime) -> dt.datetime:
    """`value` as an aware UTC datetime; ValueError if it falls outside the years 1-9999."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("out of the supported range of dates") from None


def storable(value: Any) -> Any:
    """`value` as the database will store it, or a pydantic error saying why it cannot be."""
    if isinstance(value, dt.datetime):
        try:
            return in_utc(value)
        except ValueError as exc:
            raise PydanticCustomError("datetime_range", str(exc)) from None
    if has_nul(value):
        raise nul_error()
    if has_huge_int(value):
        raise int_range_error()
    return value


class InSchema(Schema):
    """A request shape: each field's value must be storable (see the module docstring)."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo
    ) -> Any:
        """Replaces ninja's: it reads fields as attributes of whatever it is given, so the JSON
        body "AAA" became a ticket titled "Aaa" (str.title()) and [null, null] an empty patch.
        A dict (a body or a query) is validated as it is; other objects as ninja would."""
        if isinstance(values, dict):
            return handler(values)
        if values is None or isinstance(values, str | bytes | int | float | list | tuple):
            raise PydanticCustomError("model_type", "must be a JSON object")
        return handler(DjangoGetter(values, cls, info.context))

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return storable(value)
