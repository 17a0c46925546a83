"""Which price applies to an item on a work date: pure, no ORM.

The candidates are the prices of one catalogue item from every list that might apply to a
ticket: the company's own lists, its contract's lists and the default lists. A list applies on
the work date when it is active and the date lies within its validity (both ends included, an
open end never expires). Scopes are tried in order, company over contract over default; the
first scope with a list in force wins even when another scope's price is lower. Within a scope
the list that started most recently wins (a new price supersedes an overlapping old one); on the
same start date, the list created last.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum


class Scope(IntEnum):
    """Lower wins."""

    COMPANY = 0
    CONTRACT = 1
    DEFAULT = 2


@dataclass(frozen=True)
class Candidate:
    list_id: int
    scope: Scope
    valid_from: dt.date
    valid_until: dt.date | None
    amount: Decimal
    currency: str
    includes_vat: bool
    vat_rate: Decimal
    is_active: bool = True

    def in_force_on(self, day: dt.date) -> bool:
        return (
            self.is_active
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )


def price_resolve(candidates: Iterable[Candidate], *, work_date: dt.date) -> Candidate | None:
    """The price in force on `work_date`, or None when no list prices the item then."""
    in_force = [c for c in candidates if c.in_force_on(work_date)]
    if not in_force:
        return None
    return min(in_force, key=lambda c: (c.scope, -c.valid_from.toordinal(), -c.list_id))
