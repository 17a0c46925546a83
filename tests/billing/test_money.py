"""Line and total arithmetic: per-line half-up rounding to kopecks, VAT included or added."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskline.billing.money import line_amounts, round_money, totals


def test_round_money_rounds_half_up_to_kopecks() -> None:
    assert round_money(D("0.005")) == D("0.01")
    assert round_money(D("0.015")) == D("0.02")
    assert round_money(D("2.675")) == D("2.68")
    assert round_money(D("0.0049")) == D("0.00")


def test_vat_excluded_is_added_on_top_of_the_line() -> None:
    line = line_amounts(unit_price=D("1000.00"), quantity=D("1.5"), vat_rate=D(20),
                        includes_vat=False)  # fmt: skip
    assert (line.net, line.vat, line.total) == (D("1500.00"), D("300.00"), D("1800.00"))


def test_vat_included_is_carved_out_of_the_line() -> None:
    line = line_amounts(unit_price=D("1200.00"), quantity=D(1), vat_rate=D(20), includes_vat=True)
    assert (line.net, line.vat, line.total) == (D("1000.00"), D("200.00"), D("1200.00"))


def test_vat_included_rounds_the_vat_half_up() -> None:
    # 100 * 20 / 120 = 16.666... -> 16.67; the net takes the rest.
    line = line_amounts(unit_price=D("100.00"), quantity=D(1), vat_rate=D(20), includes_vat=True)
    assert (line.net, line.vat, line.total) == (D("83.33"), D("16.67"), D("100.00"))


def test_vat_excluded_rounds_a_half_kopeck_up() -> None:
    # 0.25 * 10 % = 0.025 -> 0.03
    line = line_amounts(unit_price=D("0.25"), quantity=D(1), vat_rate=D(10), includes_vat=False)
    assert (line.vat, line.total) == (D("0.03"), D("0.28"))


def test_discount_is_taken_before_vat() -> None:
    line = line_amounts(unit_price=D("1000"), quantity=D(2), vat_rate=D(20), includes_vat=False,
                        discount_percent=D("10"))  # fmt: skip
    assert (line.gross, line.discount, line.net, line.vat, line.total) == (
        D("2000.00"), D("200.00"), D("1800.00"), D("360.00"), D("2160.00"))  # fmt: skip


def test_zero_rate_has_no_vat() -> None:
    line = line_amounts(unit_price=D("99.99"), quantity=D(3), vat_rate=D(0), includes_vat=True)
    assert (line.net, line.vat, line.total) == (D("299.97"), D("0.00"), D("299.97"))


def test_totals_are_sums_of_rounded_lines_not_a_rounding_of_the_sum() -> None:
    # Three lines of 0.333... VAT each: 3 x 0.33 = 0.99, whereas rounding the sum would give 1.00
    line = line_amounts(unit_price=D("2.00"), quantity=D(1), vat_rate=D(20), includes_vat=True)
    assert line.vat == D("0.33")
    result = totals([(D(20), line)] * 3)
    assert (result.net, result.vat, result.total) == (D("5.01"), D("0.99"), D("6.00"))


def test_totals_break_vat_down_by_rate() -> None:
    a = line_amounts(unit_price=D("100"), quantity=D(1), vat_rate=D(20), includes_vat=False)
    b = line_amounts(unit_price=D("50"), quantity=D(1), vat_rate=D(0), includes_vat=False)
    result = totals([(D(20), a), (D(0), b), (D(20), a)])
    assert result.by_rate == {D(0): (D("50.00"), D("0.00")), D(20): (D("200.00"), D("40.00"))}
    assert result.total == D("290.00")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"quantity": D(-1)},
        {"unit_price": D("-0.01")},
        {"discount_percent": D("100.01")},
        {"vat_rate": D(-1)},
    ],
)
def test_invalid_values_are_refused(kwargs: dict[str, D]) -> None:
    values = {"unit_price": D(1), "quantity": D(1), "vat_rate": D(20), "includes_vat": False}
    with pytest.raises(ValueError):
        line_amounts(**{**values, **kwargs})  # type: ignore[arg-type]


money = st.decimals(min_value=D(0), max_value=D("999999.99"), places=2)
qty = st.decimals(min_value=D(0), max_value=D("9999.999"), places=3)
rate = st.sampled_from([D(0), D(10), D(20), D(22)])


@given(price=money, quantity=qty, vat_rate=rate, includes=st.booleans(),
       discount=st.decimals(min_value=D(0), max_value=D(100), places=2))  # fmt: skip
def test_every_line_is_in_kopecks_and_net_plus_vat_is_total(
    price: D, quantity: D, vat_rate: D, includes: bool, discount: D
) -> None:
    line = line_amounts(unit_price=price, quantity=quantity, vat_rate=vat_rate,
                        includes_vat=includes, discount_percent=discount)  # fmt: skip
    for value in (line.gross, line.discount, line.net, line.vat, line.total):
        assert value == value.quantize(D("0.01"))
    assert line.net + line.vat == line.total
    # The VAT is within half a kopeck of the exact figure.
    base = line.total if includes else line.net
    exact = base * vat_rate / ((100 + vat_rate) if includes else 100)
    assert abs(line.vat - exact) <= D("0.005")
