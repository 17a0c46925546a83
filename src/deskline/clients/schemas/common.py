"""What every registry schema shares: list cursors and paging, the strict input base, labels."""

from __future__ import annotations

import base64
import binascii
from typing import Any, Generic, TypeVar

from ninja import Field, Schema
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from deskline.clients.selectors import DEFAULT_LIMIT, MAX_LIMIT, Page
from deskline.core.schema import InSchema

T = TypeVar("T")


def cursor_encode(after_id: int | None) -> str | None:
    if after_id is None:
        return None
    return base64.urlsafe_b64encode(str(after_id).encode()).decode().rstrip("=")


def cursor_decode(cursor: str) -> int:
    """The id a cursor stands for; ValueError if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError("not a valid cursor") from None
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError("not a valid cursor")
    return int(raw)


def page_out(page: Page[Any]) -> dict[str, Any]:
    return {"items": page.items, "next_cursor": cursor_encode(page.next_after)}


class ListQuery(InSchema):
    cursor: str | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)

    @field_validator("cursor")
    @classmethod
    def _known_cursor(cls, value: str | None) -> str | None:
        if value:
            try:
                cursor_decode(value)
            except ValueError:
                raise PydanticCustomError("cursor", "not a valid cursor") from None
        return value or None

    @property
    def after_id(self) -> int | None:
        return cursor_decode(self.cursor) if self.cursor else None


class PageOf(Schema, Generic[T]):
    """One page of a list (see `page_out`); subclass it to give the page a name in the schema."""

    items: list[T]
    next_cursor: str | None


class In(InSchema):
    """An input: unknown keys are refused. A patch holds only the fields it sends (read with
    exclude_unset)."""

    model_config = ConfigDict(extra="forbid")


class Label(Schema):
    id: int
    name: str
