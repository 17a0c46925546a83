"""Sites (serviced objects): where they are and in which time zone."""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction

from deskline.accounts.models import User
from deskline.clients.models import Company, Site
from deskline.clients.services.common import (
    assign,
    clean_and_save,
    decimal,
    updated,
)
from deskline.core.permissions import require_registry_writer
from deskline.core.records import invalid, must_ref

SITE_FIELDS = frozenset(
    {"company_id", "name", "address", "latitude", "longitude", "time_zone", "is_active"}
)


@functools.cache
def _time_zones() -> frozenset[str]:
    # Not IANA zones, though the zoneinfo directory may hold files by these names.
    return frozenset(zoneinfo.available_timezones() - {"localtime", "Factory"})


def _coordinate(field: str, value: float | Decimal | None, bound: int) -> Decimal | None:
    why = f"must be between -{bound} and {bound}"
    return decimal(field, value, low=-bound, high=bound, step="0.000001", why=why)


@transaction.atomic
def site_create(
    *,
    actor: User,
    company_id: int,
    name: str,
    address: str = "",
    latitude: float | Decimal | None = None,
    longitude: float | Decimal | None = None,
    time_zone: str = "UTC",
    is_active: bool = True,
) -> Site:
    require_registry_writer(actor)
    values = {
        "company_id": company_id, "name": name, "address": address, "latitude": latitude,
        "longitude": longitude, "time_zone": time_zone, "is_active": is_active,
    }  # fmt: skip
    return _site_apply(Site(), values)


@transaction.atomic
def site_update(*, actor: User, site_id: int, changes: Mapping[str, Any]) -> Site:
    return updated(actor, Site, site_id, changes, SITE_FIELDS - {"company_id"}, _site_apply)


def _site_apply(site: Site, values: Mapping[str, Any]) -> Site:
    assign(site, values, frozenset({"name", "address", "time_zone", "is_active"}))
    if "company_id" in values:
        site.company = must_ref(Company, "company_id", values["company_id"])
    if "latitude" in values:
        site.latitude = _coordinate("latitude", values["latitude"], 90)
    if "longitude" in values:
        site.longitude = _coordinate("longitude", values["longitude"], 180)
    if site.time_zone not in _time_zones():
        raise invalid("time_zone", "not an IANA time zone, e.g. Europe/Moscow")
    clean_and_save(site)
    return site
