"""Equipment and its reference data: kinds (with their parameter sets), manufacturers, models."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema

from deskline.clients.models import Equipment
from deskline.clients.schemas.common import In, Label, ListQuery, PageOf


class EquipmentModelQuery(ListQuery):
    manufacturer_id: int | None = None
    kind_id: int | None = None


class EquipmentQuery(ListQuery):
    company_id: int | None = None
    site_id: int | None = None
    kind_id: int | None = None
    serial_number: str | None = None


class ParameterDefinition(Schema):
    code: str
    name: str
    type: Literal["string", "number", "date", "boolean", "select"]
    required: bool = False
    choices: list[str] = []


# Kinds, manufacturers and models.


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


class EquipmentKindPage(PageOf[EquipmentKindOut]):
    pass


class ManufacturerPage(PageOf[ManufacturerOut]):
    pass


class EquipmentModelPage(PageOf[EquipmentModelOut]):
    pass


# Equipment items.


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


class EquipmentPage(PageOf[EquipmentOut]):
    pass
