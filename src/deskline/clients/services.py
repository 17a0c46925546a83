"""Writes to the client registry: one atomic, validating function per change.

Only administrators, supervisors and dispatchers (and superusers) change the registry. Rules
about one row come from the models (lengths, choices, formats via `full_clean`); rules across
rows live here: references exist, a site, parent item or covered item belongs to the same
company, names and numbers are unique, equipment parameters fit their kind. Updates take a
mapping of the fields to change; a company never changes under a site, item or contract,
because tickets and coverage hang off it.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import zoneinfo
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Model, QuerySet

from deskline.accounts.models import STAFF_ROLES, Role, User
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
from deskline.clients.parameters import ParameterErrors, clean_parameters, parse_definitions
from deskline.core.errors import NotFound, PermissionDenied, ValidationFailed

M = TypeVar("M", bound=Model)
WRITER_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER})
DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
#: How deep a chain of parent items may go; also bounds the cycle check.
MAX_EQUIPMENT_DEPTH = 32

CATEGORY_FIELDS = frozenset({"code", "name"})
COMPANY_FIELDS = frozenset(
    {"name", "tax_id", "category_id", "manager_id", "email_domains", "notes", "is_active"}
)
CONTACT_FIELDS = frozenset(
    {"company_id", "name", "email", "phone", "telegram", "position", "sees_company_tickets",
     "language", "is_active"}
)  # fmt: skip
SITE_FIELDS = frozenset(
    {"company_id", "name", "address", "latitude", "longitude", "time_zone", "is_active"}
)
KIND_FIELDS = frozenset({"code", "name", "parameters"})
MANUFACTURER_FIELDS = frozenset({"name"})
MODEL_FIELDS = frozenset({"manufacturer_id", "kind_id", "name"})
EQUIPMENT_FIELDS = frozenset(
    {"company_id", "site_id", "kind_id", "manufacturer_id", "model_id", "parent_id",
     "serial_number", "inventory_number", "parameters", "warranty_until", "status"}
)  # fmt: skip
CONTRACT_FIELDS = frozenset(
    {"company_id", "number", "title", "starts_on", "ends_on", "covers_all_sites", "site_ids",
     "equipment_ids", "included_hours", "is_active"}
)  # fmt: skip


def require_registry_writer(actor: User) -> None:
    if not (actor.is_superuser or actor.role in WRITER_ROLES):
        raise PermissionDenied("only administrators, supervisors and dispatchers may do this")


def _invalid(field: str, why: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {why}", fields={field: why})


def _ref(model: type[M], field: str, pk: int | None) -> M | None:
    return None if pk is None else _must_ref(model, field, pk)


def _must_ref(model: type[M], field: str, pk: int | None) -> M:
    if pk is None:
        raise _invalid(field, "required")
    row = model._default_manager.filter(pk=pk).first()
    if row is None:
        raise _invalid(field, f"no such id: {pk}")
    return row


def _refs(model: type[M], field: str, ids: Sequence[int] | None) -> list[M]:
    wanted = set(ids or ())
    rows = list(model._default_manager.filter(pk__in=wanted))
    missing = wanted - {row.pk for row in rows}
    if missing:
        raise _invalid(field, f"no such ids: {', '.join(map(str, sorted(missing)))}")
    return rows


def _locked(model: type[M], pk: int, label: str) -> M:
    row = model._default_manager.select_for_update().filter(pk=pk).first()
    if row is None:
        raise NotFound(f"{label} {pk} not found")
    return row


def _check_changes(changes: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationFailed(
            "these fields cannot be changed", fields={f: "cannot be changed" for f in unknown}
        )


def _assign(row: Model, values: Mapping[str, Any], names: frozenset[str]) -> None:
    for name in names & set(values):
        value = values[name]
        setattr(row, name, value.strip() if isinstance(value, str) else value)


def _unique(queryset: QuerySet[Any], row: Model, field: str) -> None:
    if queryset.exclude(pk=row.pk).exists():
        raise _invalid(field, "already taken")


def _clean_and_save(row: Model) -> None:
    """Check the row's own fields (lengths, choices, formats), then save it."""
    relations = [f.name for f in row._meta.concrete_fields if f.is_relation]
    try:
        row.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        fields = {name: " ".join(messages) for name, messages in exc.message_dict.items()}
        raise ValidationFailed("the record is not valid", fields=fields) from exc
    row.save()


# Company categories and companies.


@transaction.atomic
def company_category_create(*, actor: User, code: str, name: str) -> CompanyCategory:
    require_registry_writer(actor)
    return _category_apply(CompanyCategory(), {"code": code, "name": name})


@transaction.atomic
def company_category_update(
    *, actor: User, category_id: int, changes: Mapping[str, Any]
) -> CompanyCategory:
    require_registry_writer(actor)
    _check_changes(changes, CATEGORY_FIELDS)
    category = _locked(CompanyCategory, category_id, "company category")
    return _category_apply(category, changes)


def _category_apply(category: CompanyCategory, values: Mapping[str, Any]) -> CompanyCategory:
    _assign(category, values, CATEGORY_FIELDS)
    _unique(CompanyCategory.objects.filter(code=category.code), category, "code")
    _clean_and_save(category)
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
    require_registry_writer(actor)
    _check_changes(changes, COMPANY_FIELDS)
    return _company_apply(_locked(Company, company_id, "company"), changes)


def _company_apply(company: Company, values: Mapping[str, Any]) -> Company:
    _assign(company, values, frozenset({"name", "tax_id", "notes", "is_active"}))
    if "category_id" in values:
        company.category = _ref(CompanyCategory, "category_id", values["category_id"])
    if "manager_id" in values:
        company.manager = _ref(User, "manager_id", values["manager_id"])
        if company.manager and not (
            company.manager.role in STAFF_ROLES and company.manager.is_active
        ):
            raise _invalid("manager_id", "must be an active staff user")
    if "email_domains" in values:
        company.email_domains = _email_domains(values["email_domains"] or "")
    _clean_and_save(company)
    return company


def _email_domains(value: str) -> str:
    domains = [d.strip().lower().lstrip("@") for d in value.split(",") if d.strip()]
    bad = [d for d in domains if not DOMAIN.match(d)]
    if bad:
        raise _invalid("email_domains", f"not a mail domain: {bad[0]}")
    return ", ".join(dict.fromkeys(domains))


# Contacts and their portal logins.


@transaction.atomic
def contact_create(
    *,
    actor: User,
    company_id: int | None,
    name: str,
    email: str = "",
    phone: str = "",
    telegram: str = "",
    position: str = "",
    sees_company_tickets: bool = False,
    language: str = "en",
    is_active: bool = True,
) -> Contact:
    require_registry_writer(actor)
    values = {
        "company_id": company_id, "name": name, "email": email, "phone": phone,
        "telegram": telegram, "position": position, "language": language,
        "sees_company_tickets": sees_company_tickets, "is_active": is_active,
    }  # fmt: skip
    return _contact_apply(Contact(), values)


@transaction.atomic
def contact_update(*, actor: User, contact_id: int, changes: Mapping[str, Any]) -> Contact:
    require_registry_writer(actor)
    _check_changes(changes, CONTACT_FIELDS)
    return _contact_apply(_locked(Contact, contact_id, "contact"), changes)


def _contact_apply(contact: Contact, values: Mapping[str, Any]) -> Contact:
    _assign(contact, values, CONTACT_FIELDS - {"company_id"})
    if "company_id" in values:
        contact.company = _ref(Company, "company_id", values["company_id"])
    if contact.language not in dict(settings.LANGUAGES):
        raise _invalid("language", f"one of {', '.join(dict(settings.LANGUAGES))}")
    _clean_and_save(contact)
    if contact.user_id is not None and "email" in values:
        _login_follow_email(contact, contact.user_id)
    return contact


def _login_follow_email(contact: Contact, user_id: int) -> None:
    """The portal login's username is the contact's email; keep them the same."""
    user = User.objects.select_for_update().get(pk=user_id)
    if user.username == contact.email:
        return
    if not contact.email:
        raise _invalid("email", "a contact with a portal login needs an email")
    _unique(User.objects.filter(username__iexact=contact.email), user, "email")
    user.username = user.email = contact.email
    user.save(update_fields=["username", "email"])


@transaction.atomic
def contact_portal_access_grant(*, actor: User, contact_id: int, password: str) -> Contact:
    """Give the contact a portal login: a User with role contact, named by the email."""
    require_registry_writer(actor)
    contact = _locked(Contact, contact_id, "contact")
    if contact.user_id is not None:
        raise _invalid("portal_access", "the contact already has a portal login")
    if not contact.email:
        raise _invalid("email", "the contact needs an email to log in with")
    if User.objects.filter(username__iexact=contact.email).exists():
        raise _invalid("email", "a login with this email already exists")
    user = User(
        username=contact.email,
        email=contact.email,
        first_name=contact.name[:150],
        role=Role.CONTACT,
        language=contact.language,
    )
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise _invalid("password", " ".join(exc.messages)) from exc
    user.set_password(password)
    try:
        user.full_clean(validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        raise _invalid("email", "this email cannot be used as a login name") from exc
    user.save()
    contact.user = user
    contact.save(update_fields=["user"])
    return contact


# Sites.


@functools.cache
def _time_zones() -> frozenset[str]:
    # Not IANA zones, though the zoneinfo directory may hold files by these names.
    return frozenset(zoneinfo.available_timezones() - {"localtime", "Factory"})


def _coordinate(field: str, value: float | Decimal | None, bound: int) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise _invalid(field, "must be a number")
    if not math.isfinite(value) or not -bound <= value <= bound:
        raise _invalid(field, f"must be between -{bound} and {bound}")
    return Decimal(str(value)).quantize(Decimal("0.000001"))


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
    require_registry_writer(actor)
    _check_changes(changes, SITE_FIELDS - {"company_id"})
    return _site_apply(_locked(Site, site_id, "site"), changes)


def _site_apply(site: Site, values: Mapping[str, Any]) -> Site:
    _assign(site, values, frozenset({"name", "address", "time_zone", "is_active"}))
    if "company_id" in values:
        site.company = _must_ref(Company, "company_id", values["company_id"])
    if "latitude" in values:
        site.latitude = _coordinate("latitude", values["latitude"], 90)
    if "longitude" in values:
        site.longitude = _coordinate("longitude", values["longitude"], 180)
    if site.time_zone not in _time_zones():
        raise _invalid("time_zone", "not an IANA time zone, e.g. Europe/Moscow")
    _clean_and_save(site)
    return site


# Equipment kinds, manufacturers and models (reference data).


@transaction.atomic
def equipment_kind_create(
    *, actor: User, code: str, name: str, parameters: Sequence[Mapping[str, Any]] = ()
) -> EquipmentKind:
    require_registry_writer(actor)
    values = {"code": code, "name": name, "parameters": list(parameters)}
    return _kind_apply(EquipmentKind(), values)


@transaction.atomic
def equipment_kind_update(
    *, actor: User, kind_id: int, changes: Mapping[str, Any]
) -> EquipmentKind:
    """Change a kind; items keep their values and are checked on their next change."""
    require_registry_writer(actor)
    _check_changes(changes, KIND_FIELDS)
    return _kind_apply(_locked(EquipmentKind, kind_id, "equipment kind"), changes)


def _kind_apply(kind: EquipmentKind, values: Mapping[str, Any]) -> EquipmentKind:
    _assign(kind, values, frozenset({"code", "name"}))
    if "parameters" in values:
        try:
            definitions = parse_definitions(list(values["parameters"] or []))
        except ParameterErrors as exc:
            fields = {f"parameters.{k}".rstrip("."): v for k, v in exc.errors.items()}
            raise ValidationFailed("invalid parameter definitions", fields=fields) from exc
        kind.parameters = [d.as_json() for d in definitions]
    _unique(EquipmentKind.objects.filter(code=kind.code), kind, "code")
    _clean_and_save(kind)
    return kind


@transaction.atomic
def manufacturer_create(*, actor: User, name: str) -> Manufacturer:
    require_registry_writer(actor)
    return _manufacturer_apply(Manufacturer(), {"name": name})


@transaction.atomic
def manufacturer_update(
    *, actor: User, manufacturer_id: int, changes: Mapping[str, Any]
) -> Manufacturer:
    require_registry_writer(actor)
    _check_changes(changes, MANUFACTURER_FIELDS)
    return _manufacturer_apply(_locked(Manufacturer, manufacturer_id, "manufacturer"), changes)


def _manufacturer_apply(manufacturer: Manufacturer, values: Mapping[str, Any]) -> Manufacturer:
    _assign(manufacturer, values, MANUFACTURER_FIELDS)
    _unique(Manufacturer.objects.filter(name__iexact=manufacturer.name), manufacturer, "name")
    _clean_and_save(manufacturer)
    return manufacturer


@transaction.atomic
def equipment_model_create(
    *, actor: User, manufacturer_id: int, kind_id: int, name: str
) -> EquipmentModel:
    require_registry_writer(actor)
    values = {"manufacturer_id": manufacturer_id, "kind_id": kind_id, "name": name}
    return _model_apply(EquipmentModel(), values)


@transaction.atomic
def equipment_model_update(
    *, actor: User, model_id: int, changes: Mapping[str, Any]
) -> EquipmentModel:
    require_registry_writer(actor)
    _check_changes(changes, MODEL_FIELDS)
    model = _locked(EquipmentModel, model_id, "equipment model")
    if "kind_id" in changes and model.equipment.exclude(kind_id=changes["kind_id"]).exists():
        raise _invalid("kind_id", "items of this model have their kind; change them first")
    return _model_apply(model, changes)


def _model_apply(model: EquipmentModel, values: Mapping[str, Any]) -> EquipmentModel:
    _assign(model, values, frozenset({"name"}))
    if "manufacturer_id" in values:
        model.manufacturer = _must_ref(Manufacturer, "manufacturer_id", values["manufacturer_id"])
    if "kind_id" in values:
        model.kind = _must_ref(EquipmentKind, "kind_id", values["kind_id"])
    same_name = EquipmentModel.objects.filter(
        manufacturer_id=model.manufacturer_id, name__iexact=model.name
    )
    _unique(same_name, model, "name")
    _clean_and_save(model)
    return model


# Equipment.


@transaction.atomic
def equipment_create(
    *,
    actor: User,
    company_id: int,
    kind_id: int,
    site_id: int | None = None,
    manufacturer_id: int | None = None,
    model_id: int | None = None,
    parent_id: int | None = None,
    serial_number: str = "",
    inventory_number: str = "",
    parameters: Mapping[str, Any] | None = None,
    warranty_until: dt.date | None = None,
    status: str = Equipment.Status.IN_SERVICE,
) -> Equipment:
    require_registry_writer(actor)
    values = {
        "company_id": company_id, "kind_id": kind_id, "site_id": site_id,
        "manufacturer_id": manufacturer_id, "model_id": model_id, "parent_id": parent_id,
        "serial_number": serial_number, "inventory_number": inventory_number,
        "parameters": parameters or {}, "warranty_until": warranty_until, "status": status,
    }  # fmt: skip
    return _equipment_apply(Equipment(), values)


@transaction.atomic
def equipment_update(*, actor: User, equipment_id: int, changes: Mapping[str, Any]) -> Equipment:
    """Change an item; `parameters`, when given, replaces the whole set."""
    require_registry_writer(actor)
    _check_changes(changes, EQUIPMENT_FIELDS - {"company_id"})
    return _equipment_apply(_locked(Equipment, equipment_id, "equipment"), changes)


def _equipment_apply(item: Equipment, values: Mapping[str, Any]) -> Equipment:
    _assign(
        item, values, frozenset({"serial_number", "inventory_number", "warranty_until", "status"})
    )
    if "company_id" in values:
        item.company = _must_ref(Company, "company_id", values["company_id"])
    if "kind_id" in values:
        item.kind = _must_ref(EquipmentKind, "kind_id", values["kind_id"])
    if "site_id" in values:
        item.site = _ref(Site, "site_id", values["site_id"])
    if "manufacturer_id" in values:
        item.manufacturer = _ref(Manufacturer, "manufacturer_id", values["manufacturer_id"])
    if "model_id" in values:
        item.model = _ref(EquipmentModel, "model_id", values["model_id"])
    if "parent_id" in values:
        item.parent = _ref(Equipment, "parent_id", values["parent_id"])
    _check_equipment_fit(item, values)
    if "parameters" in values or "kind_id" in values:
        source = values.get("parameters", item.parameters)
        item.parameters = _equipment_parameters(item.kind, source or {})
    _clean_and_save(item)
    return item


def _check_equipment_fit(item: Equipment, values: Mapping[str, Any]) -> None:
    """The site and parent are the company's; the model is of the kind and manufacturer."""
    if item.site is not None and item.site.company_id != item.company_id:
        raise _invalid("site_id", "the site belongs to another company")
    if item.parent is not None:
        if item.parent.company_id != item.company_id:
            raise _invalid("parent_id", "the parent item belongs to another company")
        if _is_ancestor(item, item.parent):
            raise _invalid("parent_id", "an item cannot be inside itself")
    if item.model is None:
        return
    if item.model.kind_id != item.kind_id:
        raise _invalid("model_id", "the model is of another kind")
    if "manufacturer_id" not in values or item.manufacturer_id is None:
        item.manufacturer_id = item.model.manufacturer_id
    elif item.manufacturer_id != item.model.manufacturer_id:
        raise _invalid("manufacturer_id", "the model is made by another manufacturer")


def _is_ancestor(item: Equipment, parent: Equipment) -> bool:
    """Whether `item` is `parent` or one of its ancestors (so the link would make a loop)."""
    current: Equipment | None = parent
    for _ in range(MAX_EQUIPMENT_DEPTH):
        if current is None:
            return False
        if item.pk is not None and current.pk == item.pk:
            return True
        current = current.parent
    raise _invalid("parent_id", f"items nest at most {MAX_EQUIPMENT_DEPTH} deep")


def _equipment_parameters(kind: EquipmentKind, values: Mapping[str, Any]) -> dict[str, object]:
    try:
        definitions = parse_definitions(kind.parameters)
    except ParameterErrors as exc:
        raise _invalid("kind_id", "the kind's parameter definitions are broken") from exc
    if not isinstance(values, Mapping):
        raise _invalid("parameters", "must be an object")
    try:
        return clean_parameters(values, definitions)
    except ParameterErrors as exc:
        fields = {f"parameters.{code}": why for code, why in exc.errors.items()}
        raise ValidationFailed("invalid equipment parameters", fields=fields) from exc


# Contracts.


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
    require_registry_writer(actor)
    _check_changes(changes, CONTRACT_FIELDS - {"company_id"})
    return _contract_apply(_locked(Contract, contract_id, "contract"), changes)


def _contract_apply(contract: Contract, values: Mapping[str, Any]) -> Contract:
    names = frozenset({"number", "title", "starts_on", "ends_on", "covers_all_sites", "is_active"})
    _assign(contract, values, names)
    if "company_id" in values:
        contract.company = _must_ref(Company, "company_id", values["company_id"])
    if "included_hours" in values:
        contract.included_hours = _hours(values["included_hours"])
    if contract.starts_on and contract.ends_on and contract.ends_on < contract.starts_on:
        raise _invalid("ends_on", "must not be before starts_on")
    sites = _covered(Site, "site_ids", values, contract.company_id)
    items = _covered(Equipment, "equipment_ids", values, contract.company_id)
    _unique(Contract.objects.filter(company_id=contract.company_id, number=contract.number),
            contract, "number")  # fmt: skip
    _clean_and_save(contract)
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
    rows: list[Any] = _refs(model, field, values[field])
    foreign = sorted(row.pk for row in rows if row.company_id != company_id)
    if foreign:
        raise _invalid(field, f"of another company: {', '.join(map(str, foreign))}")
    return rows


def _hours(value: float | Decimal | None) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise _invalid("included_hours", "must be a number")
    if not math.isfinite(value) or value < 0:
        raise _invalid("included_hours", "must be zero or more")
    return Decimal(str(value)).quantize(Decimal("0.01"))
