"""Company categories and companies."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from deskline.accounts.models import STAFF_ROLES, User
from deskline.clients.models import Company, CompanyCategory
from deskline.clients.services.common import (
    Unique,
    assign,
    clean_and_save,
    updated,
)
from deskline.core.permissions import require_registry_writer
from deskline.core.records import invalid, ref

DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
CATEGORY_FIELDS = frozenset({"code", "name"})
COMPANY_FIELDS = frozenset(
    {"name", "tax_id", "category_id", "manager_id", "email_domains", "notes", "is_active"}
)


@transaction.atomic
def company_category_create(*, actor: User, code: str, name: str) -> CompanyCategory:
    require_registry_writer(actor)
    return _category_apply(CompanyCategory(), {"code": code, "name": name})


@transaction.atomic
def company_category_update(
    *, actor: User, category_id: int, changes: Mapping[str, Any]
) -> CompanyCategory:
    return updated(actor, CompanyCategory, category_id, changes, CATEGORY_FIELDS, _category_apply)


def _category_apply(category: CompanyCategory, values: Mapping[str, Any]) -> CompanyCategory:
    assign(category, values, CATEGORY_FIELDS)
    clean_and_save(category, Unique("code", CompanyCategory.objects.filter(code=category.code)))
    return category


@transaction.atomic
def company_create(
    *,
    actor: User,
    name: str,
    tax_id: str = "",
    category_id: int | None = None,
    manager_id: int | None = None,
    email_domains: str = "",
    notes: str = "",
    is_active: bool = True,
) -> Company:
    require_registry_writer(actor)
    values = {
        "name": name, "tax_id": tax_id, "category_id": category_id, "manager_id": manager_id,
        "email_domains": email_domains, "notes": notes, "is_active": is_active,
    }  # fmt: skip
    return _company_apply(Company(), values)


@transaction.atomic
def company_update(*, actor: User, company_id: int, changes: Mapping[str, Any]) -> Company:
    return updated(actor, Company, company_id, changes, COMPANY_FIELDS, _company_apply)


def _company_apply(company: Company, values: Mapping[str, Any]) -> Company:
    assign(company, values, frozenset({"name", "tax_id", "notes", "is_active"}))
    if "category_id" in values:
        company.category = ref(CompanyCategory, "category_id", values["category_id"])
    if "manager_id" in values:
        company.manager = ref(User, "manager_id", values["manager_id"])
        if company.manager and not (
            company.manager.role in STAFF_ROLES and company.manager.is_active
        ):
            raise invalid("manager_id", "must be an active staff user")
    if "email_domains" in values:
        company.email_domains = _email_domains(values["email_domains"] or "")
    clean_and_save(company)
    return company


def _email_domains(value: str) -> str:
    domains = [d.strip().lower().lstrip("@") for d in value.split(",") if d.strip()]
    bad = [d for d in domains if not DOMAIN.match(d)]
    if bad:
        raise invalid("email_domains", f"not a mail domain: {bad[0]}")
    return ", ".join(dict.fromkeys(domains))
