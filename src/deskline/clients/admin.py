"""Admin pages for the client registry."""

from typing import Any

from django.contrib import admin

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
from deskline.clients.services.contacts import contact_phone_index


@admin.register(CompanyCategory)
class CompanyCategoryAdmin(admin.ModelAdmin[CompanyCategory]):
    list_display = ("code", "name")


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin[Company]):
    list_display = ("name", "tax_id", "category", "manager", "is_active")
    list_filter = ("category", "is_active")
    search_fields = ("name", "tax_id")


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin[Contact]):
    list_display = ("name", "email", "phone", "company", "sees_company_tickets", "is_active")
    search_fields = ("name", "email", "phone")
    list_select_related = ("company",)
    autocomplete_fields = ("company",)
    raw_id_fields = ("user",)

    def save_model(self, request: Any, obj: Contact, form: Any, change: bool) -> None:
        contact_phone_index(obj)
        super().save_model(request, obj, form, change)


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin[Site]):
    list_display = ("name", "company", "address", "time_zone")
    search_fields = ("name", "address")
    list_select_related = ("company",)
    autocomplete_fields = ("company",)


@admin.register(EquipmentKind)
class EquipmentKindAdmin(admin.ModelAdmin[EquipmentKind]):
    list_display = ("code", "name")
    search_fields = ("name",)


@admin.register(Manufacturer)
class ManufacturerAdmin(admin.ModelAdmin[Manufacturer]):
    search_fields = ("name",)


@admin.register(EquipmentModel)
class EquipmentModelAdmin(admin.ModelAdmin[EquipmentModel]):
    list_display = ("name", "manufacturer", "kind")
    list_select_related = ("manufacturer", "kind")


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin[Equipment]):
    list_display = ("id", "kind", "model", "serial_number", "inventory_number", "company", "site")
    search_fields = ("serial_number", "inventory_number")
    list_select_related = ("kind", "model", "model__manufacturer", "company", "site")
    raw_id_fields = ("company", "site", "parent", "model")


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin[Contract]):
    list_display = ("number", "company", "starts_on", "ends_on", "is_active")
    search_fields = ("number",)
    list_select_related = ("company",)
    raw_id_fields = ("company",)
    filter_horizontal = ("sites",)
    autocomplete_fields = ()
