"""Domain errors raised by services; the API maps them to one JSON error shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class DomainError(Exception):
    code = "invalid"
    status = 400

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationFailed(DomainError):
    code = "validation_error"
    status = 422


class NotFound(DomainError):
    code = "not_found"
    status = 404


class PermissionDenied(DomainError):
    code = "forbidden"
    status = 403


class Conflict(DomainError):
    """A write based on a stale version; carries the current state for the caller."""

    code = "conflict"
    status = 409

    def __init__(self, message: str, *, current: Any = None) -> None:
        super().__init__(message)
        self.current = current

    def rendered_current(self) -> Any:
        """The current row as its app's API shows it (see `conflict_renderer`), or None."""
        if self.current is None:
            return None
        for kind in type(self.current).__mro__:
            if kind in _renderers:
                return _renderers[kind](self.current)
        return None


_renderers: dict[type, Callable[[Any], Any]] = {}


def conflict_renderer(kind: type) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    """Register how a row of `kind` is shown in a 409 answer (each app registers its own)."""

    def register(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
        _renderers[kind] = fn
        return fn

    return register


def field_errors(fields: dict[str, str]) -> str:
    """The fields of an error as one line: "title: must not be empty; due: not a date"."""
    return "; ".join(f"{name}: {message}" for name, message in fields.items())
