"""Named ticket conditions that other apps define for lists, views and counts.

The SLA app defines "overdue" and "at_risk" (it owns what those mean); the ticket lists, the
saved views and the API's `sla_state` filter ask for them by name, so the ticket app needs no
knowledge of SLA state.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from deskline.core.errors import ValidationFailed

Condition = Callable[[datetime], Q]
_conditions: dict[str, Condition] = {}


def ticket_condition(name: str) -> Callable[[Condition], Condition]:
    """Register `fn(now) -> Q` under a name."""

    def register(fn: Condition) -> Condition:
        _conditions[name] = fn
        return fn

    return register


def condition_names() -> tuple[str, ...]:
    return tuple(sorted(_conditions))


def condition(name: str, now: datetime | None = None, *, field: str = "sla_state") -> Q:
    """The filter of a named condition; ValidationFailed naming `field` if it is unknown."""
    fn = _conditions.get(name)
    if fn is None:
        raise ValidationFailed(
            f"unknown {field}: {name}", fields={field: f"one of {', '.join(condition_names())}"}
        )
    return fn(now or timezone.now())
