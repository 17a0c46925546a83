"""Which companies have overdue invoices worth a warning on their tickets: pure, no ORM.

An invoice is overdue by the days since its due date while it is not fully paid (awaiting or
partially paid); it counts when those days exceed the company's threshold (its own
`CompanyBilling.overdue_flag_days`, else DESKLINE_FLAG_OVERDUE_DAYS; a negative threshold means
no warning). The unpaid rest (total - paid) is summed per currency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class OverdueGroup:
    """Invoices of one company, currency and due date (one row of the selector's query)."""

    company_id: int
    currency: str
    due_on: dt.date
    company_days: int | None
    count: int
    unpaid: Decimal


@dataclass
class OverdueInvoices:
    count: int = 0
    #: currency -> unpaid rest of the counted invoices, in currency order.
    unpaid: dict[str, Decimal] = field(default_factory=dict)


def overdue_by_company(
    groups: Iterable[OverdueGroup], *, today: dt.date, default_days: int
) -> dict[int, OverdueInvoices]:
    """Companies with at least one invoice overdue beyond their threshold."""
    found: dict[int, OverdueInvoices] = {}
    for g in groups:
        days = default_days if g.company_days is None else g.company_days
        if days < 0 or (today - g.due_on).days <= days:
            continue
        summary = found.setdefault(g.company_id, OverdueInvoices())
        summary.count += g.count
        summary.unpaid[g.currency] = summary.unpaid.get(g.currency, Decimal(0)) + g.unpaid
    for summary in found.values():
        summary.unpaid = dict(sorted(summary.unpaid.items()))
    return found
