"""Contracts and what they cover. Included hours are a decimal in the database, a number in
JSON."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from deskline.clients.models import Contract
from deskline.clients.schemas.common import In, ListQuery, PageOf


class ContractQuery(ListQuery):
    company_id: int | None = None
    active_on: dt.date | None = None


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


class ContractPage(PageOf[ContractOut]):
    pass
