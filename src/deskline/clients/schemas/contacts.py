"""Contacts and their portal logins."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from deskline.clients.models import Contact
from deskline.clients.schemas.common import In, ListQuery, PageOf


class ContactQuery(ListQuery):
    company_id: int | None = None
    email: str | None = None
    #: Any way of writing the number: `+7 (912) 345-67-89`, `89123456789`.
    phone: str | None = None


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


class ContactPage(PageOf[ContactOut]):
    pass
