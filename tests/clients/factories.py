"""Factories and a table of the registry's resources for the client API tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import factory
from django.db.models import Model

from deskline.accounts.models import Role, User
from deskline.clients.models import (
    Company,
    CompanyCategory,
    Contact,
    Contract,
    Equipment,
    EquipmentKind,
    EquipmentModel,
    Manufacturer,
    Site,
)
from tests.factories import (
    CompanyCategoryFactory,
    CompanyFactory,
    ContactFactory,
    ContactUserFactory,
    ContractFactory,
    EquipmentFactory,
    SiteFactory,
    UserFactory,
)

UPS_PARAMETERS = [
    {"code": "power_kw", "name": "Power", "type": "number", "required": True, "choices": []},
    {"code": "installed", "name": "Installed", "type": "date", "required": False, "choices": []},
    {"code": "phase", "name": "Phase", "type": "select", "required": False,
     "choices": ["single", "three"]},
]  # fmt: skip


class KindFactory(factory.django.DjangoModelFactory):
    """A distinct kind each time (the shared factory reuses one)."""

    class Meta:
        model = EquipmentKind

    code = factory.Sequence(lambda n: f"kind{n}")
    name = factory.Sequence(lambda n: f"Kind {n}")


class UpsKindFactory(KindFactory):
    parameters = factory.LazyFunction(lambda: [dict(p) for p in UPS_PARAMETERS])


class MakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Manufacturer

    name = factory.Sequence(lambda n: f"Maker {n}")


class ModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EquipmentModel

    manufacturer = factory.SubFactory(MakerFactory)
    kind = factory.SubFactory(KindFactory)
    name = factory.Sequence(lambda n: f"Model {n}")


class ItemFactory(EquipmentFactory):
    """Equipment with its own kind, model and manufacturer, as a full page would have."""

    model = factory.SubFactory(ModelFactory)
    kind = factory.LazyAttribute(lambda e: e.model.kind)
    manufacturer = factory.LazyAttribute(lambda e: e.model.manufacturer)


class CoveringContractFactory(ContractFactory):
    """A contract covering one site and one item of its company."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def coverage(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        site = SiteFactory(company=self.company)
        self.sites.add(site)
        self.equipment.add(EquipmentFactory(site=site))


def staff(role: str) -> User:
    return UserFactory(role=role)


def client_login(company: Company | None = None, *, sees_company: bool = False) -> User:
    """A portal login (role contact) linked to a contact of `company`."""
    company = company or CompanyFactory()
    return ContactUserFactory(contact__company=company, contact__sees_company_tickets=sees_company)


@dataclass(frozen=True)
class Resource:
    """One registry resource: its path, how to make a row, a valid body and a valid change."""

    path: str
    model: type[Model]
    make: Callable[..., Model]
    body: Callable[[], dict[str, Any]]
    patch: Callable[[], dict[str, Any]]
    #: For what a client contact may read: a row belonging to the given company.
    make_of: Callable[[Company], Model] | None = None


def _equipment_body() -> dict[str, Any]:
    site = SiteFactory()
    model = ModelFactory(kind=UpsKindFactory())
    return {
        "company_id": site.company_id, "site_id": site.pk, "kind_id": model.kind_id,
        "model_id": model.pk, "serial_number": "UPS-1", "inventory_number": "INV-7",
        "parameters": {"power_kw": 10, "phase": "three"}, "warranty_until": "2030-01-31",
        "status": "in_service",
    }  # fmt: skip


def _contract_body() -> dict[str, Any]:
    site = SiteFactory()
    item = EquipmentFactory(site=site)
    return {
        "company_id": site.company_id, "number": "SLA-2025/1", "title": "Service",
        "starts_on": "2025-01-01", "ends_on": "2025-12-31", "covers_all_sites": False,
        "site_ids": [site.pk], "equipment_ids": [item.pk], "included_hours": 12.5,
        "is_active": True,
    }  # fmt: skip


RESOURCES = [
    Resource(
        "company-categories",
        CompanyCategory,
        CompanyCategoryFactory,
        lambda: {"code": "vip", "name": "VIP"},
        lambda: {"name": "Very important"},
    ),
    Resource(
        "companies",
        Company,
        CompanyFactory,
        lambda: {
            "name": "Acme",
            "tax_id": "7701234567",
            "category_id": CompanyCategoryFactory().pk,
            "email_domains": "acme.example",
            "notes": "pays late",
            "is_active": True,
        },  # fmt: skip
        lambda: {"name": "Acme Holding", "is_active": False},
        make_of=lambda company: company,
    ),
    Resource(
        "contacts",
        Contact,
        ContactFactory,
        lambda: {
            "company_id": CompanyFactory().pk,
            "name": "Ann Lee",
            "email": "ann@acme.example",
            "phone": "+7 900 000 00 00",
            "telegram": "@ann",
            "position": "CFO",
            "sees_company_tickets": True,
            "language": "ru",
        },  # fmt: skip
        lambda: {"phone": "+7 911 111 11 11", "sees_company_tickets": False},
        make_of=lambda company: ContactFactory(company=company),
    ),
    Resource(
        "sites",
        Site,
        SiteFactory,
        lambda: {
            "company_id": CompanyFactory().pk,
            "name": "Shop 1",
            "address": "2 High St",
            "latitude": 55.751244,
            "longitude": 37.618423,
            "time_zone": "Europe/Moscow",
        },  # fmt: skip
        lambda: {"time_zone": "Asia/Yekaterinburg", "latitude": -33.5},
        make_of=lambda company: SiteFactory(company=company),
    ),
    Resource(
        "equipment-kinds",
        EquipmentKind,
        KindFactory,
        lambda: {"code": "ups", "name": "UPS", "parameters": UPS_PARAMETERS},
        lambda: {"name": "Uninterruptible power supply"},
    ),
    Resource(
        "manufacturers",
        Manufacturer,
        MakerFactory,
        lambda: {"name": "APC"},
        lambda: {"name": "APC by Schneider"},
    ),
    Resource(
        "equipment-models",
        EquipmentModel,
        ModelFactory,
        lambda: {"manufacturer_id": MakerFactory().pk, "kind_id": KindFactory().pk, "name": "X1"},
        lambda: {"name": "X2"},
    ),
    Resource(
        "equipment",
        Equipment,
        ItemFactory,
        _equipment_body,
        lambda: {"serial_number": "UPS-2", "status": "in_repair"},
        make_of=lambda company: ItemFactory(site__company=company),
    ),
    Resource(
        "contracts",
        Contract,
        CoveringContractFactory,
        _contract_body,
        lambda: {"title": "Gold service", "ends_on": "2026-06-30"},
        make_of=lambda company: CoveringContractFactory(company=company),
    ),
]


def resource(path: str) -> Resource:
    return next(r for r in RESOURCES if r.path == path)


def shown(out: dict[str, Any], key: str) -> Any:
    """A body field as the API shows it: `kind_id` is shown as `kind: {id, name}`."""
    if key in out:
        return out[key]
    nested = out.get(key.removesuffix("_id"))
    return nested["id"] if isinstance(nested, dict) else None


WRITER_ROLES = [Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER]
READ_ONLY_STAFF_ROLES = [Role.AGENT, Role.CONTRACTOR]
