"""The price in force for a ticket's company and contract, read from the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from deskline.billing.selectors import price_in_force
from tests.billing.factories import CatalogItemFactory, PriceFactory, PriceListFactory
from tests.factories import CompanyFactory, ContractFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 6, 15)


def test_company_list_wins_over_contract_list_over_default() -> None:
    item = CatalogItemFactory()
    contract = ContractFactory()
    company = contract.company
    PriceFactory(item=item, amount=D(100))
    PriceFactory(item=item, amount=D(90), price_list=PriceListFactory(contract=contract))
    args = {"item": item, "contract_id": contract.pk, "work_date": DAY}
    assert price_in_force(company_id=company.pk, **args).amount == D(90)  # type: ignore[union-attr]
    PriceFactory(item=item, amount=D(95), price_list=PriceListFactory(company=company))
    assert price_in_force(company_id=company.pk, **args).amount == D(95)  # type: ignore[union-attr]


def test_another_companys_list_never_applies() -> None:
    item = CatalogItemFactory()
    PriceFactory(item=item, amount=D(100))
    PriceFactory(item=item, amount=D(1), price_list=PriceListFactory(company=CompanyFactory()))
    PriceFactory(item=item, amount=D(2), price_list=PriceListFactory(contract=ContractFactory()))
    found = price_in_force(item=item, company_id=CompanyFactory().pk, contract_id=None,
                           work_date=DAY)  # fmt: skip
    assert found is not None and found.amount == D(100)


def test_a_company_list_without_the_item_falls_through_to_the_default() -> None:
    item, other = CatalogItemFactory(), CatalogItemFactory()
    company = CompanyFactory()
    PriceFactory(item=item, amount=D(100))
    PriceFactory(item=other, price_list=PriceListFactory(company=company))
    found = price_in_force(item=item, company_id=company.pk, contract_id=None, work_date=DAY)
    assert found is not None and found.amount == D(100)


def test_the_price_carries_its_lists_currency_vat_mode_and_the_rate_override() -> None:
    item = CatalogItemFactory(vat_rate=D(20))
    PriceFactory(item=item, vat_rate=D(10),
                 price_list=PriceListFactory(currency="EUR", prices_include_vat=False))  # fmt: skip
    found = price_in_force(item=item, company_id=None, contract_id=None, work_date=DAY)
    assert found is not None
    assert (found.currency, found.includes_vat, found.vat_rate) == ("EUR", False, D(10))


def test_the_items_vat_rate_applies_when_the_list_does_not_override_it() -> None:
    item = CatalogItemFactory(vat_rate=D(22))
    PriceFactory(item=item)
    found = price_in_force(item=item, company_id=None, contract_id=None, work_date=DAY)
    assert found is not None and found.vat_rate == D(22)


def test_no_list_in_force_on_the_work_date_gives_none() -> None:
    item = CatalogItemFactory()
    PriceFactory(item=item, price_list=PriceListFactory(valid_from=dt.date(2027, 1, 1)))
    assert price_in_force(item=item, company_id=None, contract_id=None, work_date=DAY) is None
