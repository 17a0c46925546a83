"""Money arithmetic of charge lines and documents: pure, Decimal only, no ORM.

Each line is rounded on its own (half up, to kopecks/cents), then the document's totals are the
sums of the rounded lines, so the printed lines always add up to the printed totals. A price list
says whether its prices include VAT: included, the VAT is carved out of the line's amount
(amount * rate / (100 + rate)); excluded, it is added on top (amount * rate / 100).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def round_money(value: Decimal) -> Decimal:
    """Half up to two decimal places (kopecks, cents)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineAmounts:
    """A charge line's money: before discount, the discount, and net + VAT = total."""

    gross: Decimal
    discount: Decimal
    net: Decimal
    vat: Decimal
    total: Decimal


def line_amounts(
    *,
    unit_price: Decimal,
    quantity: Decimal,
    vat_rate: Decimal,
    includes_vat: bool,
    discount_percent: Decimal = ZERO,
) -> LineAmounts:
    """The line's amounts, each rounded half up to kopecks.

    `unit_price` is as the price list states it (with VAT when `includes_vat`); the discount is
    a percentage of the line's amount, applied before VAT is worked out.
    """
    if quantity < 0 or unit_price < 0:
        raise ValueError("quantity and price must not be negative")
    if not ZERO <= discount_percent <= HUNDRED:
        raise ValueError("the discount is a percentage from 0 to 100")
    if vat_rate < 0:
        raise ValueError("the VAT rate must not be negative")
    gross = round_money(unit_price * quantity)
    discount = round_money(gross * discount_percent / HUNDRED)
    amount = gross - discount
    if includes_vat:
        vat = round_money(amount * vat_rate / (HUNDRED + vat_rate))
        return LineAmounts(gross, discount, amount - vat, vat, amount)
    vat = round_money(amount * vat_rate / HUNDRED)
    return LineAmounts(gross, discount, amount, vat, amount + vat)


@dataclass(frozen=True)
class Totals:
    net: Decimal
    vat: Decimal
    total: Decimal
    #: VAT rate -> (net, vat) of the lines at that rate, for the document's VAT breakdown.
    by_rate: dict[Decimal, tuple[Decimal, Decimal]]


def totals(lines: Iterable[tuple[Decimal, LineAmounts]]) -> Totals:
    """Sum rounded lines given as (vat_rate, amounts): no rounding happens here."""
    net = vat = ZERO
    by_rate: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for rate, amounts in lines:
        net += amounts.net
        vat += amounts.vat
        rate_net, rate_vat = by_rate.get(rate, (ZERO, ZERO))
        by_rate[rate] = (rate_net + amounts.net, rate_vat + amounts.vat)
    return Totals(net, vat, net + vat, dict(sorted(by_rate.items())))
