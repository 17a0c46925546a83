"""Equipment and its reference data: kinds (with their parameter sets), manufacturers, models."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from deskline.accounts.models import User
from deskline.clients.models import (
    Company,
    Equipment,
    EquipmentKind,
    EquipmentModel,
    Manufacturer,
    Site,
)
from deskline.clients.parameters import ParameterErrors, clean_parameters, parse_definitions
from deskline.clients.services.common import (
    Unique,
    assign,
    check_changes,
    clean_and_save,
    locked,
    updated,
)
from deskline.core.errors import ValidationFailed
from deskline.core.permissions import require_registry_writer
from deskline.core.records import invalid, must_ref, ref

#: How deep a chain of parent items may go; also bounds the cycle check.
MAX_EQUIPMENT_DEPTH = 32

KIND_FIELDS = frozenset({"code", "name", "parameters"})
MANUFACTURER_FIELDS = frozenset({"name"})
MODEL_FIELDS = frozenset({"manufacturer_id", "kind_id", "name"})
EQUIPMENT_FIELDS = frozenset(
    {"company_id", "site_id", "kind_id", "manufacturer_id", "model_id", "parent_id",
     "serial_number", "inventory_number", "parameters", "warranty_until", "status"}
)  # fmt: skip


# Kinds, manufacturers and models (reference data).


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
    return updated(actor, EquipmentKind, kind_id, changes, KIND_FIELDS, _kind_apply)


def _kind_apply(kind: EquipmentKind, values: Mapping[str, Any]) -> EquipmentKind:
    assign(kind, values, frozenset({"code", "name"}))
    if "parameters" in values:
        try:
            definitions = parse_definitions(list(values["parameters"] or []))
        except ParameterErrors as exc:
            fields = {f"parameters.{k}".rstrip("."): v for k, v in exc.errors.items()}
            raise ValidationFailed("invalid parameter definitions", fields=fields) from exc
        kind.parameters = [d.as_json() for d in definitions]
    clean_and_save(kind, Unique("code", EquipmentKind.objects.filter(code=kind.code)))
    return kind


@transaction.atomic
def manufacturer_create(*, actor: User, name: str) -> Manufacturer:
    require_registry_writer(actor)
    return _manufacturer_apply(Manufacturer(), {"name": name})


@transaction.atomic
def manufacturer_update(
    *, actor: User, manufacturer_id: int, changes: Mapping[str, Any]
) -> Manufacturer:
    return updated(
        actor, Manufacturer, manufacturer_id, changes, MANUFACTURER_FIELDS, _manufacturer_apply
    )


def _manufacturer_apply(manufacturer: Manufacturer, values: Mapping[str, Any]) -> Manufacturer:
    assign(manufacturer, values, MANUFACTURER_FIELDS)
    same_name = Manufacturer.objects.filter(name__iexact=manufacturer.name)
    clean_and_save(manufacturer, Unique("name", same_name))
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
    check_changes(changes, MODEL_FIELDS)
    model = locked(EquipmentModel, model_id)
    if "kind_id" in changes and model.equipment.exclude(kind_id=changes["kind_id"]).exists():
        raise invalid("kind_id", "items of this model have their kind; change them first")
    return _model_apply(model, changes)


def _model_apply(model: EquipmentModel, values: Mapping[str, Any]) -> EquipmentModel:
    assign(model, values, frozenset({"name"}))
    if "manufacturer_id" in values:
        model.manufacturer = must_ref(Manufacturer, "manufacturer_id", values["manufacturer_id"])
    if "kind_id" in values:
        model.kind = must_ref(EquipmentKind, "kind_id", values["kind_id"])
    same_name = EquipmentModel.objects.filter(
        manufacturer_id=model.manufacturer_id, name__iexact=model.name
    )
    clean_and_save(model, Unique("name", same_name))
    return model


# Equipment items.


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
    allowed = EQUIPMENT_FIELDS - {"company_id"}
    return updated(actor, Equipment, equipment_id, changes, allowed, _equipment_apply)


def _equipment_apply(item: Equipment, values: Mapping[str, Any]) -> Equipment:
    assign(
        item, values, frozenset({"serial_number", "inventory_number", "warranty_until", "status"})
    )
    if "company_id" in values:
        item.company = must_ref(Company, "company_id", values["company_id"])
    if "kind_id" in values:
        item.kind = must_ref(EquipmentKind, "kind_id", values["kind_id"])
    if "site_id" in values:
        item.site = ref(Site, "site_id", values["site_id"])
    if "manufacturer_id" in values:
        item.manufacturer = ref(Manufacturer, "manufacturer_id", values["manufacturer_id"])
    if "model_id" in values:
        item.model = ref(EquipmentModel, "model_id", values["model_id"])
    if "parent_id" in values:
        item.parent = ref(Equipment, "parent_id", values["parent_id"])
    _check_equipment_fit(item, values)
    if "parameters" in values or "kind_id" in values:
        source = values.get("parameters", item.parameters)
        item.parameters = _equipment_parameters(item.kind, source or {})
    clean_and_save(item)
    return item


def _check_equipment_fit(item: Equipment, values: Mapping[str, Any]) -> None:
    """The site and parent are the company's; the model is of the kind and manufacturer."""
    if item.site is not None and item.site.company_id != item.company_id:
        raise invalid("site_id", "the site belongs to another company")
    if item.parent is not None:
        if item.parent.company_id != item.company_id:
            raise invalid("parent_id", "the parent item belongs to another company")
        if _is_ancestor(item, item.parent):
            raise invalid("parent_id", "an item cannot be inside itself")
    if item.model is None:
        return
    if item.model.kind_id != item.kind_id:
        raise invalid("model_id", "the model is of another kind")
    if "manufacturer_id" not in values or item.manufacturer_id is None:
        item.manufacturer_id = item.model.manufacturer_id
    elif item.manufacturer_id != item.model.manufacturer_id:
        raise invalid("manufacturer_id", "the model is made by another manufacturer")


def _is_ancestor(item: Equipment, parent: Equipment) -> bool:
    """Whether `item` is `parent` or one of its ancestors (so the link would make a loop)."""
    current: Equipment | None = parent
    for _ in range(MAX_EQUIPMENT_DEPTH):
        if current is None:
            return False
        if item.pk is not None and current.pk == item.pk:
            return True
        current = current.parent
    raise invalid("parent_id", f"items nest at most {MAX_EQUIPMENT_DEPTH} deep")


def _equipment_parameters(kind: EquipmentKind, values: Mapping[str, Any]) -> dict[str, object]:
    try:
        definitions = parse_definitions(kind.parameters)
    except ParameterErrors as exc:
        raise invalid("kind_id", "the kind's parameter definitions are broken") from exc
    if not isinstance(values, Mapping):
        raise invalid("parameters", "must be an object")
    try:
        return clean_parameters(values, definitions)
    except ParameterErrors as exc:
        fields = {f"parameters.{code}": why for code, why in exc.errors.items()}
        raise ValidationFailed("invalid equipment parameters", fields=fields) from exc
