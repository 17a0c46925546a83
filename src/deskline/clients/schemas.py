"""API shapes for the client registry: list queries, inputs (create and patch) and outputs.

Coordinates and hours are decimals in the database and plain numbers in JSON. Inputs refuse
unknown keys, so a misspelt field is a 422 rather than silently ignored. List cursors are
opaque strings (base64 of the last id seen).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from deskline.clients.models import Company, Contact, Contract, Equipment
from deskline.clients.selectors import DEFAULT_LIMIT, MAX_LIMIT, Page, is_registry_staff

# Lists.


def cursor_encode(after_id: int | None) -> str | None:
    if after_id is None:
        return None
    return base64.urlsafe_b64encode(str(after_id).encode()).decode().rstrip("=")


def cursor_decode(cursor: str) -> int:
    """The id a cursor stands for; ValueError if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError("not a valid cursor") from None
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError("not a valid cursor")
    return int(raw)


def page_out(page: Page[Any]) -> dict[str, Any]:
    return {"items": page.items, "next_cursor": cursor_encode(page.next_after)}


class ListQuery(Schema):
    cursor: str | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)

    @field_validator("cursor")
    @classmethod
    def _known_cursor(cls, value: str | None) -> str | None:
        if value:
            try:
                cursor_decode(value)
            except ValueError:
                raise PydanticCustomError("cursor", "not a valid cursor") from None
        return value or None

    @property
    def after_id(self) -> int | None:
        return cursor_decode(self.cursor) if self.cursor else None


class CompanyQuery(ListQuery):
    category_id: int | None = None
    q: str | None = None
    is_active: bool | None = None


class ContactQuery(ListQuery):
    company_id: int | None = None
    email: str | None = None


class SiteQuery(ListQuery):
    company_id: int | None = None


class EquipmentModelQuery(ListQuery):
    manufacturer_id: int | None = None
    kind_id: int | None = None


class EquipmentQuery(ListQuery):
    company_id: int | None = None
    site_id: int | None = None
    kind_id: int | None = None
    serial_number: str | None = None


class ContractQuery(ListQuery):
    company_id: int | None = None
    active_on: dt.date | None = None


# Inputs. A patch holds only the fields it sends (read with exclude_unset).


class In(Schema):
    model_config = ConfigDict(extra="forbid")


class Label(Schema):
    id: int
    name: str


class CompanyCategoryIn(In):
    code: str
    name: str


class CompanyCategoryPatch(In):
    code: str | None = None
    name: str | None = None


class CompanyIn(In):
    name: str
    tax_id: str = ""
    category_id: int | None = None
    manager_id: int | None = None
    email_domains: str = ""
    notes: str = ""
    is_active: bool = True


class CompanyPatch(In):
    name: str | None = None
    tax_id: str | None = None
    category_id: int | None = None
    manager_id: int | None = None
    email_domains: str | None = None
    notes: str | None = None
    is_active: bool | None = None


class ContactIn(In):
    company_id: int | None
    name: str
    email: str = ""
    phone: str = ""
    telegram: str = ""
    position: str = ""
    sees_company_tickets: bool = False
    language: str = "en"
    is_active: bool = True


class ContactPatch(In):
    company_id: int | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    telegram: str | None = None
    position: str | None = None
    sees_company_tickets: bool | None = None
    language: str | None = None
    is_active: bool | None = None


class PortalAccessIn(In):
    password: str


class SiteIn(In):
    company_id: int
    name: str
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    time_zone: str = "UTC"
    is_active: bool = True


class SitePatch(In):
    name: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    time_zone: str | None = None
    is_active: bool | None = None


class ParameterDefinition(Schema):
    code: str
    name: str
    type: Literal["string", "number", "date", "boolean", "select"]
    required: bool = False
    choices: list[str] = []


class EquipmentKindIn(In):
    code: str
    name: str
    parameters: list[ParameterDefinition] = []


class EquipmentKindPatch(In):
    code: str | None = None
    name: str | None = None
    parameters: list[ParameterDefinition] | None = None


class ManufacturerIn(In):
    name: str


class EquipmentModelIn(In):
    manufacturer_id: int
    kind_id: int
    name: str


class EquipmentModelPatch(In):
    manufacturer_id: int | None = None
    kind_id: int | None = None
    name: str | None = None


class EquipmentIn(In):
    company_id: int
    kind_id: int
    site_id: int | None = None
    manufacturer_id: int | None = None
    model_id: int | None = None
    parent_id: int | None = None
    serial_number: str = ""
    inventory_number: str = ""
    parameters: dict[str, Any] = {}
    warranty_until: dt.date | None = None
    status: str = Equipment.Status.IN_SERVICE


class EquipmentPatch(In):
    kind_id: int | None = None
    site_id: int | None = None
    manufacturer_id: int | None = None
    model_id: int | None = None
    parent_id: int | None = None
    serial_number: str | None = None
    inventory_number: str | None = None
    parameters: dict[str, Any] | None = None
    warranty_until: dt.date | None = None
    status: str | None = None


class ContractIn(In):
    company_id: int
    number: str
    starts_on: dt.date
    title: str = ""
    ends_on: dt.date | None = None
    covers_all_sites: bool = False
    site_ids: list[int] = []
    equipment_ids: list[int] = []
    included_hours: float | None = None
    is_active: bool = True


class ContractPatch(In):
    number: str | None = None
    starts_on: dt.date | None = None
    title: str | None = None
    ends_on: dt.date | None = None
    covers_all_sites: bool | None = None
    site_ids: list[int] | None = None
    equipment_ids: list[int] | None = None
    included_hours: float | None = None
    is_active: bool | None = None


# Outputs.


class CompanyCategoryOut(Schema):
    id: int
    code: str
    name: str


class CompanyOut(Schema):
    id: int
    name: str
    tax_id: str
    category: Label | None
    manager_id: int | None
    email_domains: str
    #: Internal notes: null for client contacts.
    notes: str | None
    is_active: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_notes(obj: Company, context: dict[str, Any] | None) -> str | None:
        user = getattr((context or {}).get("request"), "auth", None)
        return obj.notes if user is not None and is_registry_staff(user) else None


class ContactOut(Schema):
    id: int
    company_id: int | None
    name: str
    email: str
    phone: str
    telegram: str
    position: str
    sees_company_tickets: bool
    language: str
    is_active: bool
    has_portal_access: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_has_portal_access(obj: Contact) -> bool:
        return obj.user_id is not None


class SiteOut(Schema):
    id: int
    company_id: int
    name: str
    address: str
    latitude: float | None
    longitude: float | None
    time_zone: str
    is_active: bool


class EquipmentKindOut(Schema):
    id: int
    code: str
    name: str
    parameters: list[ParameterDefinition]


class ManufacturerOut(Schema):
    id: int
    name: str


class EquipmentModelOut(Schema):
    id: int
    name: str
    manufacturer: Label
    kind: Label


class EquipmentOut(Schema):
    id: int
    company_id: int
    site_id: int | None
    kind: Label
    manufacturer: Label | None
    model: Label | None
    parent_id: int | None
    serial_number: str
    inventory_number: str
    parameters: dict[str, Any]
    warranty_until: dt.date | None
    status: str
    created_at: dt.datetime


class ContractOut(Schema):
    id: int
    company_id: int
    number: str
    title: str
    starts_on: dt.date
    ends_on: dt.date | None
    covers_all_sites: bool
    site_ids: list[int]
    equipment_ids: list[int]
    included_hours: float | None
    is_active: bool

    @staticmethod
    def resolve_site_ids(obj: Contract) -> list[int]:
        return [site.pk for site in obj.sites.all()]

    @staticmethod
    def resolve_equipment_ids(obj: Contract) -> list[int]:
        return [item.pk for item in obj.equipment.all()]


# Pages of each.


class CompanyCategoryPage(Schema):
    items: list[CompanyCategoryOut]
    next_cursor: str | None


class CompanyPage(Schema):
    items: list[CompanyOut]
    next_cursor: str | None


class ContactPage(Schema):
    items: list[ContactOut]
    next_cursor: str | None


class SitePage(Schema):
    items: list[SiteOut]
    next_cursor: str | None


class EquipmentKindPage(Schema):
    items: list[EquipmentKindOut]
    next_cursor: str | None


class ManufacturerPage(Schema):
    items: list[ManufacturerOut]
    next_cursor: str | None


class EquipmentModelPage(Schema):
    items: list[EquipmentModelOut]
    next_cursor: str | None


class EquipmentPage(Schema):
    items: list[EquipmentOut]
    next_cursor: str | None


class ContractPage(Schema):
    items: list[ContractOut]
    next_cursor: str | None
