"""Bad input to the registry API is a 422 that names the offending field."""

from __future__ import annotations

from typing import Any

import pytest

from deskline.clients.models import Equipment
from tests.clients.factories import (
    ItemFactory,
    KindFactory,
    MakerFactory,
    ModelFactory,
    UpsKindFactory,
    client_login,
)
from tests.factories import (
    CompanyFactory,
    ContractFactory,
    EquipmentFactory,
    SiteFactory,
)

pytestmark = pytest.mark.django_db


def fields_of(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.json()
    assert response.json()["error"]["code"] == "validation_error"
    return response.json()["error"]["fields"]  # type: ignore[no-any-return]


# Companies and categories.


def test_company_with_an_unknown_category_is_refused_naming_category_id(admin_api: Any) -> None:
    response = admin_api.post("companies", {"name": "Acme", "category_id": 987654})

    assert "category_id" in fields_of(response)


def test_company_manager_must_be_staff(admin_api: Any) -> None:
    response = admin_api.post("companies", {"name": "Acme", "manager_id": client_login().pk})

    assert "manager_id" in fields_of(response)


def test_company_mail_domains_must_be_domains(admin_api: Any) -> None:
    response = admin_api.post("companies", {"name": "Acme", "email_domains": "acme, a b.com"})

    assert "email_domains" in fields_of(response)


def test_company_name_must_not_be_blank(admin_api: Any) -> None:
    assert "name" in fields_of(admin_api.post("companies", {"name": "  "}))


def test_company_name_cannot_be_patched_to_null(admin_api: Any) -> None:
    company = CompanyFactory()

    assert "name" in fields_of(admin_api.patch(f"companies/{company.pk}", {"name": None}))


def test_category_code_must_be_unique(admin_api: Any) -> None:
    admin_api.post("company-categories", {"code": "vip", "name": "VIP"})

    response = admin_api.post("company-categories", {"code": "vip", "name": "Other"})

    assert "code" in fields_of(response)


# Contacts.


def test_contact_email_must_be_an_email(admin_api: Any) -> None:
    company = CompanyFactory()

    response = admin_api.post("contacts", {"company_id": company.pk, "name": "A", "email": "a@"})

    assert "email" in fields_of(response)


def test_contact_with_an_unknown_company_is_refused_naming_company_id(admin_api: Any) -> None:
    response = admin_api.post("contacts", {"company_id": 987654, "name": "Ann"})

    assert "company_id" in fields_of(response)


def test_contact_language_must_be_one_we_speak(admin_api: Any) -> None:
    company = CompanyFactory()

    response = admin_api.post("contacts", {"company_id": company.pk, "name": "A", "language": "xx"})

    assert "language" in fields_of(response)


# Sites.


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "localtime", "../etc/passwd"])
def test_site_time_zone_must_be_an_iana_zone(admin_api: Any, zone: str) -> None:
    company = CompanyFactory()

    response = admin_api.post("sites", {"company_id": company.pk, "name": "S", "time_zone": zone})

    assert "time_zone" in fields_of(response)


@pytest.mark.parametrize(
    ("field", "value"), [("latitude", 90.5), ("latitude", -91), ("longitude", 180.01)]
)
def test_site_coordinates_must_be_in_range(admin_api: Any, field: str, value: float) -> None:
    company = CompanyFactory()

    response = admin_api.post("sites", {"company_id": company.pk, "name": "S", field: value})

    assert field in fields_of(response)


def test_site_coordinates_are_stored_to_six_places(admin_api: Any) -> None:
    company = CompanyFactory()
    body = {"company_id": company.pk, "name": "S", "latitude": 55.12345678, "longitude": -180}

    out = admin_api.post("sites", body).json()

    assert (out["latitude"], out["longitude"]) == (55.123457, -180.0)


def test_site_cannot_move_to_another_company(admin_api: Any) -> None:
    site = SiteFactory()

    response = admin_api.patch(f"sites/{site.pk}", {"company_id": CompanyFactory().pk})

    assert "company_id" in fields_of(response)


# Equipment kinds, manufacturers, models.


@pytest.mark.parametrize(
    ("definition", "field"),
    [
        ({"code": "p", "name": "P", "type": "colour"}, "parameters.0.type"),
        ({"code": "Power kW", "name": "P", "type": "number"}, "parameters.0.code"),
        ({"code": "p", "name": "P", "type": "select"}, "parameters.0.choices"),
        ({"code": "p", "name": "P", "type": "string", "choices": ["a"]}, "parameters.0.choices"),
    ],
)
def test_kind_parameter_definitions_are_checked(
    admin_api: Any, definition: dict[str, Any], field: str
) -> None:
    response = admin_api.post(
        "equipment-kinds", {"code": "k", "name": "K", "parameters": [definition]}
    )

    assert field in fields_of(response)


def test_kind_parameter_codes_must_be_unique(admin_api: Any) -> None:
    definition = {"code": "p", "name": "P", "type": "number"}
    body = {"code": "k", "name": "K", "parameters": [definition, definition]}

    assert "parameters.1.code" in fields_of(admin_api.post("equipment-kinds", body))


def test_manufacturer_name_is_unique_regardless_of_case(admin_api: Any) -> None:
    MakerFactory(name="APC")

    assert "name" in fields_of(admin_api.post("manufacturers", {"name": "apc"}))


def test_model_name_is_unique_per_manufacturer(admin_api: Any) -> None:
    model = ModelFactory()
    body = {"manufacturer_id": model.manufacturer_id, "kind_id": model.kind_id, "name": model.name}

    assert "name" in fields_of(admin_api.post("equipment-models", body))


def test_model_name_may_repeat_across_manufacturers(admin_api: Any) -> None:
    model = ModelFactory()
    body = {"manufacturer_id": MakerFactory().pk, "kind_id": model.kind_id, "name": model.name}

    assert admin_api.post("equipment-models", body).status_code == 201


def test_model_with_an_unknown_kind_is_refused_naming_kind_id(admin_api: Any) -> None:
    body = {"manufacturer_id": MakerFactory().pk, "kind_id": 987654, "name": "X"}

    assert "kind_id" in fields_of(admin_api.post("equipment-models", body))


def test_model_kind_cannot_change_under_its_equipment(admin_api: Any) -> None:
    item = ItemFactory()

    response = admin_api.patch(f"equipment-models/{item.model_id}", {"kind_id": KindFactory().pk})

    assert "kind_id" in fields_of(response)


# Equipment.


def equipment_body(**fields: Any) -> dict[str, Any]:
    site = fields.pop("site", None) or SiteFactory()
    kind = fields.pop("kind", None) or UpsKindFactory()
    body = {"company_id": site.company_id, "site_id": site.pk, "kind_id": kind.pk}
    body["parameters"] = {"power_kw": 3}
    return {**body, **fields}


@pytest.mark.parametrize(
    ("parameters", "code"),
    [
        ({"power_kw": "ten"}, "power_kw"),
        ({"power_kw": True}, "power_kw"),
        ({}, "power_kw"),
        ({"power_kw": 3, "installed": "31.01.2024"}, "installed"),
        ({"power_kw": 3, "phase": "two"}, "phase"),
        ({"power_kw": 3, "colour": "red"}, "colour"),
    ],
    ids=["not-a-number", "boolean-for-number", "required", "bad-date", "bad-choice", "unknown"],
)
def test_equipment_parameters_are_checked_against_the_kind(
    admin_api: Any, parameters: dict[str, Any], code: str
) -> None:
    response = admin_api.post("equipment", equipment_body(parameters=parameters))

    assert f"parameters.{code}" in fields_of(response)


def test_equipment_parameters_are_normalised(admin_api: Any) -> None:
    body = equipment_body(parameters={"power_kw": 2.5, "installed": "20240131", "phase": None})

    out = admin_api.post("equipment", body).json()

    assert out["parameters"] == {"power_kw": 2.5, "installed": "2024-01-31"}


def test_equipment_kind_change_rechecks_its_parameters(admin_api: Any) -> None:
    item = admin_api.post("equipment", equipment_body()).json()

    response = admin_api.patch(f"equipment/{item['id']}", {"kind_id": KindFactory().pk})

    assert "parameters.power_kw" in fields_of(response)


def test_equipment_site_of_another_company_is_refused_naming_site_id(admin_api: Any) -> None:
    body = {**equipment_body(), "site_id": SiteFactory().pk}

    assert "site_id" in fields_of(admin_api.post("equipment", body))


def test_equipment_parent_of_another_company_is_refused_naming_parent_id(admin_api: Any) -> None:
    body = equipment_body(parent_id=EquipmentFactory().pk)

    assert "parent_id" in fields_of(admin_api.post("equipment", body))


def test_equipment_cannot_be_its_own_ancestor(admin_api: Any) -> None:
    top = EquipmentFactory()
    middle = EquipmentFactory(site=top.site, parent=top)
    bottom = EquipmentFactory(site=top.site, parent=middle)

    response = admin_api.patch(f"equipment/{top.pk}", {"parent_id": bottom.pk})

    assert "parent_id" in fields_of(response)


def test_equipment_model_must_be_of_its_kind(admin_api: Any) -> None:
    body = equipment_body(model_id=ModelFactory().pk)

    assert "model_id" in fields_of(admin_api.post("equipment", body))


def test_equipment_takes_its_manufacturer_from_its_model(admin_api: Any) -> None:
    kind = UpsKindFactory()
    model = ModelFactory(kind=kind)

    out = admin_api.post("equipment", equipment_body(kind=kind, model_id=model.pk)).json()

    assert out["manufacturer"] == {"id": model.manufacturer_id, "name": model.manufacturer.name}


def test_equipment_manufacturer_must_make_its_model(admin_api: Any) -> None:
    kind = UpsKindFactory()
    body = equipment_body(kind=kind, model_id=ModelFactory(kind=kind).pk)
    body["manufacturer_id"] = MakerFactory().pk

    assert "manufacturer_id" in fields_of(admin_api.post("equipment", body))


def test_equipment_with_an_unknown_kind_is_refused_naming_kind_id(admin_api: Any) -> None:
    body = {**equipment_body(), "kind_id": 987654}

    assert "kind_id" in fields_of(admin_api.post("equipment", body))


def test_equipment_status_must_be_a_known_one(admin_api: Any) -> None:
    assert "status" in fields_of(admin_api.post("equipment", equipment_body(status="lost")))


# Contracts.


def contract_body(**fields: Any) -> dict[str, Any]:
    company = fields.pop("company", None) or CompanyFactory()
    return {"company_id": company.pk, "number": "C-1", "starts_on": "2025-01-01", **fields}


def test_contract_sites_of_another_company_are_refused_naming_site_ids(admin_api: Any) -> None:
    company = CompanyFactory()
    body = contract_body(
        company=company, site_ids=[SiteFactory(company=company).pk, SiteFactory().pk]
    )

    assert "site_ids" in fields_of(admin_api.post("contracts", body))


def test_contract_equipment_of_another_company_is_refused_naming_equipment_ids(
    admin_api: Any,
) -> None:
    body = contract_body(equipment_ids=[EquipmentFactory().pk])

    assert "equipment_ids" in fields_of(admin_api.post("contracts", body))


def test_contract_with_an_unknown_site_is_refused_naming_site_ids(admin_api: Any) -> None:
    assert "site_ids" in fields_of(admin_api.post("contracts", contract_body(site_ids=[987654])))


def test_contract_cannot_end_before_it_starts(admin_api: Any) -> None:
    body = contract_body(starts_on="2025-02-01", ends_on="2025-01-31")

    assert "ends_on" in fields_of(admin_api.post("contracts", body))


def test_contract_patch_cannot_end_before_the_stored_start(admin_api: Any) -> None:
    contract = ContractFactory()
    before = contract.starts_on.replace(year=contract.starts_on.year - 1).isoformat()

    assert "ends_on" in fields_of(admin_api.patch(f"contracts/{contract.pk}", {"ends_on": before}))


@pytest.mark.parametrize("hours", [1e74, 1e20])
def test_contract_hours_beyond_the_column_are_refused_naming_included_hours(
    admin_api: Any, hours: float
) -> None:
    contract = ContractFactory()

    response = admin_api.patch(f"contracts/{contract.pk}", {"included_hours": hours})

    assert "included_hours" in fields_of(response)


def test_contract_number_is_unique_within_a_company(admin_api: Any) -> None:
    existing = ContractFactory(number="C-1")

    response = admin_api.post("contracts", contract_body(company=existing.company))

    assert "number" in fields_of(response)


def test_contract_number_may_repeat_across_companies(admin_api: Any) -> None:
    ContractFactory(number="C-1")

    assert admin_api.post("contracts", contract_body()).status_code == 201


def test_contract_included_hours_cannot_be_negative(admin_api: Any) -> None:
    response = admin_api.post("contracts", contract_body(included_hours=-1))

    assert "included_hours" in fields_of(response)


def test_contract_patch_replaces_what_it_covers(admin_api: Any) -> None:
    company = CompanyFactory()
    first, second = SiteFactory(company=company), SiteFactory(company=company)
    created = admin_api.post("contracts", contract_body(company=company, site_ids=[first.pk]))

    out = admin_api.patch(f"contracts/{created.json()['id']}", {"site_ids": [second.pk]}).json()

    assert out["site_ids"] == [second.pk]


def test_equipment_rows_are_not_written_when_validation_fails(admin_api: Any) -> None:
    admin_api.post("equipment", equipment_body(parameters={}))

    assert not Equipment.objects.exists()
