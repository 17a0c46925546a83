"""Admin pages for the catalogue, price lists, requisites; acts and the history read-only.

Price edits made here are recorded as billing events like those made through the API.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from deskline.billing.events import billing_event_record, price_snapshot
from deskline.billing.models import (
    Act,
    BillingEvent,
    CalloutRule,
    CatalogItem,
    CompanyBilling,
    Price,
    PriceList,
    Provider,
)
from deskline.core.admin import ReadOnlyAdmin


@admin.register(CalloutRule)
class CalloutRuleAdmin(admin.ModelAdmin[CalloutRule]):
    """Call-out fees for finished visits: the first active rule (by order) that matches wins."""

    list_display = ("order", "name", "item", "quantity", "only_outside_coverage", "only_night",
                    "only_weekend", "is_active")  # fmt: skip
    list_editable = ("order", "is_active")
    list_display_links = ("name",)


@admin.register(CatalogItem)
class CatalogItemAdmin(admin.ModelAdmin[CatalogItem]):
    list_display = ("code", "name", "kind", "unit", "vat_rate", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "name_ru")


class PriceInline(admin.TabularInline[Price, PriceList]):
    model = Price
    extra = 1
    autocomplete_fields = ("item",)


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin[PriceList]):
    list_display = ("name", "company", "contract", "currency", "prices_include_vat",
                    "valid_from", "valid_until", "is_active")  # fmt: skip
    list_filter = ("currency", "is_active")
    search_fields = ("name", "company__name", "contract__number")
    autocomplete_fields = ("company",)
    raw_id_fields = ("contract",)
    inlines = [PriceInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        touched = [
            (f, f.instance.pk, f in formset.deleted_forms)
            for f in formset.forms
            if f.has_changed() or f in formset.deleted_forms
        ]
        befores = {
            pk: price_snapshot(Price.objects.filter(pk=pk).first()) for _, pk, _ in touched if pk
        }
        super().save_formset(request, form, formset, change)
        for f, pk, deleted in touched:
            if f.instance.pk is None and not deleted:
                continue  # an empty extra row
            billing_event_record(
                kind="price_removed" if deleted else "price_set",
                actor=request.user,  # type: ignore[arg-type]
                subject=f"price:{pk or f.instance.pk}",
                company_id=form.instance.company_id,
                before=befores.get(pk),
                after=None if deleted else price_snapshot(f.instance),
            )


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin[Provider]):
    list_display = ("legal_name", "tax_id", "kpp", "vat_id", "country")


@admin.register(CompanyBilling)
class CompanyBillingAdmin(admin.ModelAdmin[CompanyBilling]):
    list_display = ("company", "sees_prices", "legal_name", "kpp", "vat_id", "language",
                    "overdue_flag_days")  # fmt: skip
    search_fields = ("company__name", "legal_name")
    autocomplete_fields = ("company",)


@admin.register(Act)
class ActAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "company", "status", "currency", "total", "issued_at")
    list_filter = ("status", "currency")
    list_select_related = ("company",)


@admin.register(BillingEvent)
class BillingEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "subject", "actor", "ticket", "company")
    list_filter = ("kind",)
    search_fields = ("subject",)


# The hourly costs' admin lives beside their model.
from deskline.billing import cost_admin as cost_admin  # noqa: E402
