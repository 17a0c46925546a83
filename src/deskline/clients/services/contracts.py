"""Contracts: their terms and what they cover (sites, equipment) of their company."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from deskline.accounts.models import User
from deskline.clients.models import Company, Contract, Equipment, Site
from deskline.clients.services.common import (
    Unique,
    assign,
    clean_and_save,
    decimal,
    updated,
)
from deskline.core.permissions import require_registry_writer
from deskline.core.records import invalid, must_ref, refs

CONTRACT_FIELDS = frozenset(
    {"company_id", "number", "title", "starts_on", "ends_on", "covers_all_sites", "site_ids",
     "equipment_ids", "included_hours", "is_active"}
)  # fmt: skip


@transaction.atomic
def contract_create(
    *,
    actor: User,
    company_id: int,
    number: str,
    starts_on: dt.date,
    title: str = "",
    ends_on: dt.date | None = None,
    covers_all_sites: bool = False,
    site_ids: Sequence[int] = (),
    equipment_ids: Sequence[int] = (),
    included_hours: float | Decimal | None = None,
    is_active: bool = True,
) -> Contract:
    require_registry_writer(actor)
    values = {
        "company_id": company_id, "number": number, "starts_on": starts_on, "title": title,
        "ends_on": ends_on, "covers_all_sites": covers_all_sites, "site_ids": site_ids,
        "equipment_ids": equipment_ids, "included_hours": included_hours, "is_active": is_active,
    }  # fmt: skip
    return _contract_apply(Contract(), values)


@transaction.atomic
def contract_update(*, actor: User, contract_id: int, changes: Mapping[str, Any]) -> Contract:
    """Change a contract; `site_ids` and `equipment_ids`, when given, replace the coverage."""
    allowed = CONTRACT_FIELDS - {"company_id"}
    return updated(actor, Contract, contract_id, changes, allowed, _contract_apply)


def _contract_apply(contract: Contract, values: Mapping[str, Any]) -> Contract:
    names = frozenset({"number", "title", "starts_on", "ends_on", "covers_all_sites", "is_active"})
    assign(contract, values, names)
    if "company_id" in values:
        contract.company = must_ref(Company, "company_id", values["company_id"])
    if "included_hours" in values:
        hours = values["included_hours"]
        contract.included_hours = decimal(
            "included_hours", hours, low=0, step="0.01", why="must be zero or more"
        )
    if contract.starts_on and contract.ends_on and contract.ends_on < contract.starts_on:
        raise invalid("ends_on", "must not be before starts_on")
    sites = _covered(Site, "site_ids", values, contract.company_id)
    items = _covered(Equipment, "equipment_ids", values, contract.company_id)
    same_number = Contract.objects.filter(company_id=contract.company_id, number=contract.number)
    clean_and_save(contract, Unique("number", same_number))
    if sites is not None:
        contract.sites.set(sites)
    if items is not None:
        contract.equipment.set(items)
    return contract


def _covered(
    model: type[Site] | type[Equipment], field: str, values: Mapping[str, Any], company_id: int
) -> list[Any] | None:
    """The rows a contract should cover, all of its company's; None when not being changed."""
    if field not in values:
        return None
    rows: list[Any] = refs(model, field, values[field])
    foreign = sorted(row.pk for row in rows if row.company_id != company_id)
    if foreign:
        raise invalid(field, f"of another company: {', '.join(map(str, foreign))}")
    return rows
