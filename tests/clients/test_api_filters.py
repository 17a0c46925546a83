"""List filters of the registry API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.clients.factories import ItemFactory, KindFactory
from tests.factories import (
    CompanyCategoryFactory,
    CompanyFactory,
    ContactFactory,
    ContractFactory,
    EquipmentFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db


def ids(api: Any, path: str, **params: Any) -> set[int]:
    response = api.get(path, params)
    assert response.status_code == 200, response.json()
    return {item["id"] for item in response.json()["items"]}


def test_companies_filter_by_category(admin_api: Any) -> None:
    vip = CompanyCategoryFactory(code="vip")
    wanted = CompanyFactory(category=vip)
    CompanyFactory()

    assert ids(admin_api, "companies", category_id=vip.pk) == {wanted.pk}


def test_companies_q_matches_the_start_of_the_name_in_any_case(admin_api: Any) -> None:
    wanted = CompanyFactory(name="Acme Trading")
    CompanyFactory(name="Big Acme")

    assert ids(admin_api, "companies", q="acme") == {wanted.pk}


def test_companies_filter_by_active(admin_api: Any) -> None:
    CompanyFactory(is_active=True)
    closed = CompanyFactory(is_active=False)

    assert ids(admin_api, "companies", is_active="false") == {closed.pk}


def test_contacts_filter_by_company(admin_api: Any) -> None:
    wanted = ContactFactory()
    ContactFactory()

    assert ids(admin_api, "contacts", company_id=wanted.company_id) == {wanted.pk}


def test_contacts_filter_by_email_ignoring_case(admin_api: Any) -> None:
    wanted = ContactFactory(email="ann@acme.example")
    ContactFactory(email="bob@acme.example")

    assert ids(admin_api, "contacts", email="Ann@Acme.example") == {wanted.pk}


def test_sites_filter_by_company(admin_api: Any) -> None:
    wanted = SiteFactory()
    SiteFactory()

    assert ids(admin_api, "sites", company_id=wanted.company_id) == {wanted.pk}


def test_equipment_filter_by_company(admin_api: Any) -> None:
    wanted = EquipmentFactory()
    EquipmentFactory()

    assert ids(admin_api, "equipment", company_id=wanted.company_id) == {wanted.pk}


def test_equipment_filter_by_site(admin_api: Any) -> None:
    wanted = EquipmentFactory()
    EquipmentFactory(site__company=wanted.company)

    assert ids(admin_api, "equipment", site_id=wanted.site_id) == {wanted.pk}


def test_equipment_filter_by_kind(admin_api: Any) -> None:
    wanted = ItemFactory(model__kind=KindFactory())
    ItemFactory()

    assert ids(admin_api, "equipment", kind_id=wanted.kind_id) == {wanted.pk}


def test_equipment_filter_by_serial_number(admin_api: Any) -> None:
    wanted = EquipmentFactory(serial_number="ABC-1")
    EquipmentFactory(serial_number="ABC-10")

    assert ids(admin_api, "equipment", serial_number="ABC-1") == {wanted.pk}


def test_equipment_models_filter_by_kind(admin_api: Any) -> None:
    wanted = ItemFactory().model
    ItemFactory()

    assert ids(admin_api, "equipment-models", kind_id=wanted.kind_id) == {wanted.pk}


def test_contracts_filter_by_company(admin_api: Any) -> None:
    wanted = ContractFactory()
    ContractFactory()

    assert ids(admin_api, "contracts", company_id=wanted.company_id) == {wanted.pk}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2024-12-31", set()),
        ("2025-01-01", {"open", "year"}),
        ("2025-12-31", {"open", "year"}),
        ("2026-01-01", {"open"}),
    ],
)
def test_contracts_active_on_a_day_are_live_on_it(
    admin_api: Any, day: str, expected: set[str]
) -> None:
    start = dt.date(2025, 1, 1)
    ContractFactory(number="open", starts_on=start, ends_on=None)
    ContractFactory(number="year", starts_on=start, ends_on=dt.date(2025, 12, 31))
    ContractFactory(number="off", starts_on=start, ends_on=None, is_active=False)

    items = admin_api.get("contracts", {"active_on": day}).json()["items"]

    assert {item["number"] for item in items} == expected


def test_contracts_active_on_must_be_a_date(admin_api: Any) -> None:
    response = admin_api.get("contracts", {"active_on": "soon"})

    assert response.status_code == 422
    assert "active_on" in response.json()["error"]["fields"]
