"""Company categories and companies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema

from deskline.clients.models import Company
from deskline.clients.schemas.common import In, Label, ListQuery, PageOf
from deskline.clients.selectors import is_registry_staff


class CompanyQuery(ListQuery):
    category_id: int | None = None
    q: str | None = None
    is_active: bool | None = None


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


class CompanyCategoryPage(PageOf[CompanyCategoryOut]):
    pass


class CompanyPage(PageOf[CompanyOut]):
    pass
