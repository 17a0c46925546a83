"""Named ticket conditions that other apps define for lists, views and counts.

The SLA app defines "overdue" and "at_risk" (it owns what those mean); the ticket lists, the
saved views and the API's `sla_state` filter ask for them by name, so the ticket app needs no
knowledge of SLA state.

A condition may also register a row-by-row form (`per_row=`): the same tickets, written as a
test on each row rather than as a set of ids. The set form is the fast way to find the tickets
among all of them; the row form is the fast way to test a few tickets already found (the view
counts' per-user part), where the set form would build the whole set for them.

And it may register its counting parts (`parts=`): disjoint conditions whose union is the
condition, each with the field an index on the team reads it in order by (`walk`). The shared
view counts count each part per team, capped (`tickets.saved_views`), and add them up: an OR of
two deadlines can only be read as a scan of every open ticket (or a bitmap of all the matching
ones), a part read in index order stops at the cap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from deskline.core.errors import ValidationFailed


@dataclass(frozen=True)
class CountingPart:
    """One of a condition's disjoint counting parts: its filter, and the field (with "-" for
    descending) the count reads it in order by, through an index on (team, that field); ""
    lets the database choose."""

    where: Q
    walk: str = ""


Condition = Callable[[datetime], Q]
Parts = Callable[[datetime], list[CountingPart]]
_conditions: dict[str, Condition] = {}
_row_conditions: dict[str, Condition] = {}
_parts: dict[str, Parts] = {}


def ticket_condition(
    name: str, *, per_row: Condition | None = None, parts: Parts | None = None
) -> Callable[[Condition], Condition]:
    """Register `fn(now) -> Q` under a name, `per_row(now) -> Q` as its row-by-row form (the
    same tickets) and `parts(now) -> [Q, ...]` as its counting parts (disjoint, the same tickets
    together) if given."""

    def register(fn: Condition) -> Condition:
        _conditions[name] = fn
        if per_row is not None:
            _row_conditions[name] = per_row
        if parts is not None:
            _parts[name] = parts
        return fn

    return register


def condition_names() -> tuple[str, ...]:
    return tuple(sorted(_conditions))


def condition(
    name: str, now: datetime | None = None, *, field: str = "sla_state", per_row: bool = False
) -> Q:
    """The filter of a named condition; ValidationFailed naming `field` if it is unknown.

    `per_row=True` asks for its row-by-row form where one is registered (else the set form)."""
    fn = (_row_conditions.get(name) if per_row else None) or _conditions.get(name)
    if fn is None:
        raise ValidationFailed(
            f"unknown {field}: {name}", fields={field: f"one of {', '.join(condition_names())}"}
        )
    return fn(now or timezone.now())


def condition_parts(name: str, now: datetime | None = None) -> list[CountingPart]:
    """Disjoint filters that together select what `condition(name)` does, for counting each
    through its own index; the row-by-row form alone where no parts are registered."""
    now = now or timezone.now()
    parts = _parts.get(name)
    if parts is not None:
        return parts(now)
    return [CountingPart(condition(name, now, per_row=True))]
