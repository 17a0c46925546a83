"""Price resolution (pure): company list over contract list over default, by work date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

from deskline.billing.pricing import Candidate, Scope, price_resolve

DAY = dt.date(2026, 6, 15)


def price(list_id: int, scope: Scope, amount: str, **kw: Any) -> Candidate:
    values: dict[str, Any] = {"valid_from": dt.date(2026, 1, 1), "valid_until": None,
                              "currency": "RUB", "includes_vat": True, "vat_rate": D(20)}  # fmt: skip
    values.update(kw)
    return Candidate(list_id=list_id, scope=scope, amount=D(amount), **values)


def test_no_candidates_gives_no_price() -> None:
    assert price_resolve([], work_date=DAY) is None


def test_the_default_list_applies_when_nothing_overrides_it() -> None:
    assert price_resolve([price(1, Scope.DEFAULT, "100")], work_date=DAY).amount == D(100)


def test_a_contract_list_overrides_the_default() -> None:
    found = price_resolve([price(1, Scope.DEFAULT, "100"), price(2, Scope.CONTRACT, "90")],
                          work_date=DAY)  # fmt: skip
    assert found is not None and found.list_id == 2


def test_a_company_list_overrides_the_contract_and_the_default_even_when_dearer() -> None:
    found = price_resolve(
        [price(1, Scope.DEFAULT, "100"), price(2, Scope.CONTRACT, "90"),
         price(3, Scope.COMPANY, "120")], work_date=DAY)  # fmt: skip
    assert found is not None and found.amount == D(120)


def test_an_expired_company_list_falls_back_to_the_contract_list() -> None:
    found = price_resolve(
        [price(2, Scope.CONTRACT, "90"),
         price(3, Scope.COMPANY, "80", valid_until=dt.date(2026, 6, 14))], work_date=DAY)  # fmt: skip
    assert found is not None and found.list_id == 2


def test_a_list_not_yet_valid_does_not_apply() -> None:
    found = price_resolve(
        [price(1, Scope.DEFAULT, "100"),
         price(3, Scope.COMPANY, "80", valid_from=dt.date(2026, 6, 16))], work_date=DAY)  # fmt: skip
    assert found is not None and found.list_id == 1


def test_validity_bounds_are_inclusive() -> None:
    first = price(3, Scope.COMPANY, "80", valid_from=DAY, valid_until=DAY)
    assert price_resolve([first], work_date=DAY) == first
    assert price_resolve([first], work_date=DAY + dt.timedelta(days=1)) is None
    assert price_resolve([first], work_date=DAY - dt.timedelta(days=1)) is None


def test_an_inactive_list_never_applies() -> None:
    found = price_resolve(
        [price(1, Scope.DEFAULT, "100"), price(3, Scope.COMPANY, "80", is_active=False)],
        work_date=DAY,
    )
    assert found is not None and found.list_id == 1


def test_within_a_scope_the_latest_started_list_wins() -> None:
    old = price(1, Scope.DEFAULT, "100", valid_from=dt.date(2025, 1, 1))
    new = price(2, Scope.DEFAULT, "110", valid_from=dt.date(2026, 3, 1))
    assert price_resolve([new, old], work_date=DAY) == new
    assert price_resolve([new, old], work_date=dt.date(2026, 2, 28)) == old


def test_on_the_same_start_the_list_created_last_wins() -> None:
    a = price(5, Scope.DEFAULT, "100")
    b = price(7, Scope.DEFAULT, "105")
    assert price_resolve([b, a], work_date=DAY) == b
    assert price_resolve([a, b], work_date=DAY) == b


def test_the_work_date_not_today_decides() -> None:
    last_year = price(1, Scope.COMPANY, "50", valid_from=dt.date(2025, 1, 1),
                      valid_until=dt.date(2025, 12, 31))  # fmt: skip
    this_year = price(2, Scope.DEFAULT, "100")
    assert price_resolve([last_year, this_year], work_date=dt.date(2025, 12, 31)) == last_year
    assert price_resolve([last_year, this_year], work_date=dt.date(2026, 1, 1)) == this_year
