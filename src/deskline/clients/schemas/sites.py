"""Sites (serviced objects). Coordinates are decimals in the database, numbers in JSON."""

from __future__ import annotations

from ninja import Schema

from deskline.clients.schemas.common import In, ListQuery, PageOf


class SiteQuery(ListQuery):
    company_id: int | None = None


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


class SiteOut(Schema):
    id: int
    company_id: int
    name: str
    address: str
    latitude: float | None
    longitude: float | None
    time_zone: str
    is_active: bool


class SitePage(PageOf[SiteOut]):
    pass
