"""REST endpoints for the client registry (mounted at /api/v1/).

Handlers only adapt: each parses its input, calls one selector (reads, scoped to the user)
or one service (writes, which check the role) and returns the result for its schema.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from ninja import Query, Router, Status

from deskline.accounts.api_auth import request_user
from deskline.clients import selectors, services
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
from deskline.clients.schemas import (
    CompanyCategoryIn,
    CompanyCategoryOut,
    CompanyCategoryPage,
    CompanyCategoryPatch,
    CompanyIn,
    CompanyOut,
    CompanyPage,
    CompanyPatch,
    CompanyQuery,
    ContactIn,
    ContactOut,
    ContactPage,
    ContactPatch,
    ContactQuery,
    ContractIn,
    ContractOut,
    ContractPage,
    ContractPatch,
    ContractQuery,
    EquipmentIn,
    EquipmentKindIn,
    EquipmentKindOut,
    EquipmentKindPage,
    EquipmentKindPatch,
    EquipmentModelIn,
    EquipmentModelOut,
    EquipmentModelPage,
    EquipmentModelPatch,
    EquipmentModelQuery,
    EquipmentOut,
    EquipmentPage,
    EquipmentPatch,
    EquipmentQuery,
    ListQuery,
    ManufacturerIn,
    ManufacturerOut,
    ManufacturerPage,
    PortalAccessIn,
    SiteIn,
    SiteOut,
    SitePage,
    SitePatch,
    SiteQuery,
    page_out,
)

router = Router(tags=["registry"])


def _changes(payload: Any) -> dict[str, Any]:
    return cast(dict[str, Any], payload.model_dump(exclude_unset=True))


# Company categories.


@router.get("/company-categories", response=CompanyCategoryPage)
def company_category_list(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    page = selectors.company_category_list_for(
        request_user(request), after_id=query.after_id, limit=query.limit
    )
    return page_out(page)


@router.get("/company-categories/{category_id}", response=CompanyCategoryOut)
def company_category_get(request: HttpRequest, category_id: int) -> CompanyCategory:
    return selectors.company_category_get_for(request_user(request), category_id=category_id)


@router.post("/company-categories", response={201: CompanyCategoryOut})
def company_category_create(request: HttpRequest, payload: CompanyCategoryIn) -> Status[Any]:
    return Status(
        201, services.company_category_create(actor=request_user(request), **payload.model_dump())
    )


@router.patch("/company-categories/{category_id}", response=CompanyCategoryOut)
def company_category_update(
    request: HttpRequest, category_id: int, payload: CompanyCategoryPatch
) -> CompanyCategory:
    return services.company_category_update(
        actor=request_user(request), category_id=category_id, changes=_changes(payload)
    )


# Companies.


@router.get("/companies", response=CompanyPage)
def company_list(request: HttpRequest, query: Query[CompanyQuery]) -> dict[str, Any]:
    page = selectors.company_list_for(
        request_user(request),
        category_id=query.category_id,
        q=query.q,
        is_active=query.is_active,
        after_id=query.after_id,
        limit=query.limit,
    )
    return page_out(page)


@router.get("/companies/{company_id}", response=CompanyOut)
def company_get(request: HttpRequest, company_id: int) -> Company:
    return selectors.company_get_for(request_user(request), company_id=company_id)


@router.post("/companies", response={201: CompanyOut})
def company_create(request: HttpRequest, payload: CompanyIn) -> Status[Any]:
    return Status(201, services.company_create(actor=request_user(request), **payload.model_dump()))


@router.patch("/companies/{company_id}", response=CompanyOut)
def company_update(request: HttpRequest, company_id: int, payload: CompanyPatch) -> Company:
    return services.company_update(
        actor=request_user(request), company_id=company_id, changes=_changes(payload)
    )


# Contacts.


@router.get("/contacts", response=ContactPage)
def contact_list(request: HttpRequest, query: Query[ContactQuery]) -> dict[str, Any]:
    page = selectors.contact_list_for(
        request_user(request),
        company_id=query.company_id,
        email=query.email,
        phone=query.phone,
        after_id=query.after_id,
        limit=query.limit,
    )
    return page_out(page)


@router.get("/contacts/{contact_id}", response=ContactOut)
def contact_get(request: HttpRequest, contact_id: int) -> Contact:
    return selectors.contact_get_for(request_user(request), contact_id=contact_id)


@router.post("/contacts", response={201: ContactOut})
def contact_create(request: HttpRequest, payload: ContactIn) -> Status[Any]:
    return Status(201, services.contact_create(actor=request_user(request), **payload.model_dump()))


@router.patch("/contacts/{contact_id}", response=ContactOut)
def contact_update(request: HttpRequest, contact_id: int, payload: ContactPatch) -> Contact:
    return services.contact_update(
        actor=request_user(request), contact_id=contact_id, changes=_changes(payload)
    )


@router.post("/contacts/{contact_id}/portal-access", response={201: ContactOut})
def contact_portal_access(
    request: HttpRequest, contact_id: int, payload: PortalAccessIn
) -> Status[Any]:
    contact = services.contact_portal_access_grant(
        actor=request_user(request), contact_id=contact_id, password=payload.password
    )
    return Status(201, contact)


# Sites.


@router.get("/sites", response=SitePage)
def site_list(request: HttpRequest, query: Query[SiteQuery]) -> dict[str, Any]:
    page = selectors.site_list_for(
        request_user(request),
        company_id=query.company_id,
        after_id=query.after_id,
        limit=query.limit,
    )
    return page_out(page)


@router.get("/sites/{site_id}", response=SiteOut)
def site_get(request: HttpRequest, site_id: int) -> Site:
    return selectors.site_get_for(request_user(request), site_id=site_id)


@router.post("/sites", response={201: SiteOut})
def site_create(request: HttpRequest, payload: SiteIn) -> Status[Any]:
    return Status(201, services.site_create(actor=request_user(request), **payload.model_dump()))


@router.patch("/sites/{site_id}", response=SiteOut)
def site_update(request: HttpRequest, site_id: int, payload: SitePatch) -> Site:
    return services.site_update(
        actor=request_user(request), site_id=site_id, changes=_changes(payload)
    )


# Equipment kinds.


@router.get("/equipment-kinds", response=EquipmentKindPage)
def equipment_kind_list(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    page = selectors.equipment_kind_list_for(
        request_user(request), after_id=query.after_id, limit=query.limit
    )
    return page_out(page)


@router.get("/equipment-kinds/{kind_id}", response=EquipmentKindOut)
def equipment_kind_get(request: HttpRequest, kind_id: int) -> EquipmentKind:
    return selectors.equipment_kind_get_for(request_user(request), kind_id=kind_id)


@router.post("/equipment-kinds", response={201: EquipmentKindOut})
def equipment_kind_create(request: HttpRequest, payload: EquipmentKindIn) -> Status[Any]:
    return Status(
        201, services.equipment_kind_create(actor=request_user(request), **payload.model_dump())
    )


@router.patch("/equipment-kinds/{kind_id}", response=EquipmentKindOut)
def equipment_kind_update(
    request: HttpRequest, kind_id: int, payload: EquipmentKindPatch
) -> EquipmentKind:
    return services.equipment_kind_update(
        actor=request_user(request), kind_id=kind_id, changes=_changes(payload)
    )


# Manufacturers.


@router.get("/manufacturers", response=ManufacturerPage)
def manufacturer_list(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    page = selectors.manufacturer_list_for(
        request_user(request), after_id=query.after_id, limit=query.limit
    )
    return page_out(page)


@router.get("/manufacturers/{manufacturer_id}", response=ManufacturerOut)
def manufacturer_get(request: HttpRequest, manufacturer_id: int) -> Manufacturer:
    return selectors.manufacturer_get_for(request_user(request), manufacturer_id=manufacturer_id)


@router.post("/manufacturers", response={201: ManufacturerOut})
def manufacturer_create(request: HttpRequest, payload: ManufacturerIn) -> Status[Any]:
    return Status(
        201, services.manufacturer_create(actor=request_user(request), **payload.model_dump())
    )


@router.patch("/manufacturers/{manufacturer_id}", response=ManufacturerOut)
def manufacturer_update(
    request: HttpRequest, manufacturer_id: int, payload: ManufacturerIn
) -> Manufacturer:
    return services.manufacturer_update(
        actor=request_user(request), manufacturer_id=manufacturer_id, changes=_changes(payload)
    )


# Equipment models.


@router.get("/equipment-models", response=EquipmentModelPage)
def equipment_model_list(request: HttpRequest, query: Query[EquipmentModelQuery]) -> dict[str, Any]:
    page = selectors.equipment_model_list_for(
        request_user(request),
        manufacturer_id=query.manufacturer_id,
        kind_id=query.kind_id,
        after_id=query.after_id,
        limit=query.limit,
    )
    return page_out(page)


@router.get("/equipment-models/{model_id}", response=EquipmentModelOut)
def equipment_model_get(request: HttpRequest, model_id: int) -> EquipmentModel:
    return selectors.equipment_model_get_for(request_user(request), model_id=model_id)


@router.post("/equipment-models", response={201: EquipmentModelOut})
def equipment_model_create(request: HttpRequest, payload: EquipmentModelIn) -> Status[Any]:
    return Status(
        201, services.equipment_model_create(actor=request_user(request), **payload.model_dump())
    )


@router.patch("/equipment-models/{model_id}", response=EquipmentModelOut)
def equipment_model_update(
    request: HttpRequest, model_id: int, payload: EquipmentModelPatch
) -> EquipmentModel:
    return services.equipment_model_update(
        actor=request_user(request), model_id=model_id, changes=_changes(payload)
    )


# Equipment.


@router.get("/equipment", response=EquipmentPage)
def equipment_list(request: HttpRequest, query: Query[EquipmentQuery]) -> dict[str, Any]:
    page = selectors.equipment_list_for(
        request_user(request),
        company_id=query.company_id,
        site_id=query.site_id,
        kind_id=query.kind_id,
        serial_number=query.serial_number,
        after_id=query.after_id,
        limit=query.limit,
    )
    return page_out(page)


@router.get("/equipment/{equipment_id}", response=EquipmentOut)
def equipment_get(request: HttpRequest, equipment_id: int) -> Equipment:
    return selectors.equipment_get_for(request_user(request), equipment_id=equipment_id)


@router.post("/equipment", response={201: EquipmentOut})
def equipment_create(request: HttpRequest, payload: EquipmentIn) -> Status[Any]:
    return Status(
        201, services.equipment_create(actor=request_user(request), **payload.model_dump())
    )


@router.patch("/equipment/{equipment_id}", response=EquipmentOut)
def equipment_update(request: HttpRequest, equipment_id: int, payload: EquipmentPatch) -> Equipment:
    return services.equipment_update(
        actor=request_user(request), equipment_id=equipment_id, changes=_changes(payload)
    )


# Contracts.


@router.get("/contracts", response=ContractPage)
def contract_list(request: HttpRequest, query: Query[ContractQuery]) -> dict[str, Any]:
    page = selectors.contract_list_for(
        request_user(request),
        company_id=query.company_id,
        active_on=query.active_on,
        after_id=query.after_id,
        limit=query.limit,
    )
    return page_out(page)


@router.get("/contracts/{contract_id}", response=ContractOut)
def contract_get(request: HttpRequest, contract_id: int) -> Contract:
    return selectors.contract_get_for(request_user(request), contract_id=contract_id)


@router.post("/contracts", response={201: ContractOut})
def contract_create(request: HttpRequest, payload: ContractIn) -> Status[Any]:
    return Status(
        201, services.contract_create(actor=request_user(request), **payload.model_dump())
    )


@router.patch("/contracts/{contract_id}", response=ContractOut)
def contract_update(request: HttpRequest, contract_id: int, payload: ContractPatch) -> Contract:
    return services.contract_update(
        actor=request_user(request), contract_id=contract_id, changes=_changes(payload)
    )
