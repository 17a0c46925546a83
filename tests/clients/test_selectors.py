"""The contract look-ups that ticket writes rely on."""

from __future__ import annotations

import datetime as dt

import pytest

from deskline.clients.selectors import contract_covering, contracts_live
from tests.factories import CompanyFactory, ContractFactory, EquipmentFactory, SiteFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 6, 1)


def test_contracts_live_holds_active_contracts_running_on_the_day() -> None:
    company = CompanyFactory()
    live = ContractFactory(company=company, starts_on=dt.date(2025, 1, 1), ends_on=DAY)
    ContractFactory(company=company, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 5, 31))
    ContractFactory(company=company, starts_on=dt.date(2025, 6, 2), ends_on=None)
    ContractFactory(company=company, starts_on=dt.date(2025, 1, 1), is_active=False)
    ContractFactory(starts_on=dt.date(2025, 1, 1), ends_on=None)

    assert list(contracts_live(company_id=company.pk, day=DAY)) == [live]


def test_contracts_live_puts_the_latest_start_first() -> None:
    company = CompanyFactory()
    older = ContractFactory(company=company, starts_on=dt.date(2024, 1, 1), ends_on=None)
    newer = ContractFactory(company=company, starts_on=dt.date(2025, 1, 1), ends_on=None)

    assert list(contracts_live(company_id=company.pk, day=DAY)) == [newer, older]


def test_contract_covering_prefers_the_one_listing_the_equipment() -> None:
    item = EquipmentFactory()
    ContractFactory(company=item.company, starts_on=dt.date(2025, 5, 1), ends_on=None)
    covering = ContractFactory(company=item.company, starts_on=dt.date(2025, 1, 1), ends_on=None)
    covering.equipment.add(item)

    found = contract_covering(
        company_id=item.company_id, site_id=item.site_id, equipment_id=item.pk, day=DAY
    )

    assert found == covering


def test_contract_covering_finds_none_for_equipment_no_contract_lists() -> None:
    item = EquipmentFactory()
    ContractFactory(company=item.company, starts_on=dt.date(2025, 1, 1), ends_on=None)

    found = contract_covering(
        company_id=item.company_id, site_id=item.site_id, equipment_id=item.pk, day=DAY
    )

    assert found is None


def test_contract_covering_a_site_by_listing_it_or_all_sites() -> None:
    site = SiteFactory()
    everywhere = ContractFactory(
        company=site.company, starts_on=dt.date(2025, 1, 1), ends_on=None, covers_all_sites=True
    )

    found = contract_covering(
        company_id=site.company_id, site_id=site.pk, equipment_id=None, day=DAY
    )

    assert found == everywhere
