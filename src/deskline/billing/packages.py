"""Hour packages: a contract's included hours per calendar month, consumed by hourly charges
in the order they are added; the rest is billed at the list's rate. Pure, no ORM.

The month is that of the charge's work date, so a charge on the 31st consumes that month's
package and one on the 1st the next month's, whenever each is entered.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

ZERO = Decimal(0)
#: Usage shares (percent) that warn the manager once per period.
THRESHOLDS = (80, 100)


def period_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar month holding `day`, both ends included."""
    start = day.replace(day=1)
    following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start, following - dt.timedelta(days=1)


def package_split(
    *, quantity: Decimal, included: Decimal, used: Decimal
) -> tuple[Decimal, Decimal]:
    """(hours covered by the package, hours billed) of a charge of `quantity` hours when
    `used` of the period's `included` hours are already taken."""
    if quantity < 0:
        raise ValueError("quantity must not be negative")
    remaining = max(included - used, ZERO)
    covered = min(quantity, remaining)
    return covered, quantity - covered


def thresholds_crossed(*, included: Decimal, before: Decimal, after: Decimal) -> list[int]:
    """The warning shares reached by going from `before` to `after` used hours."""
    if included <= 0:
        return []
    return [t for t in THRESHOLDS if before * 100 < t * included <= after * 100]
