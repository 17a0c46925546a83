"""The desk's forms for the client registry: what each kind asks for, and how a form's values
become the arguments of the clients services (which keep every rule; the forms only parse).

Each form is bound to the company its row belongs to (the menus offer that company's sites and
equipment). `values()` turns the cleaned data into the services' names (`site` -> `site_id`),
and `show_errors()` puts a service's field errors back on the inputs they name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from deskline.clients.models import (
    CompanyCategory,
    Equipment,
    EquipmentKind,
    EquipmentModel,
    Manufacturer,
    Site,
)


class DecimalInput(forms.DecimalField):
    """A number as people type it: a decimal comma ("10,5") or spaces between thousands."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().replace("\u00a0", "").replace(" ", "")
            if "," in value and "." not in value:
                value = value.replace(",", ".")
        return super().to_python(value)


class RegistryForm(forms.Form):
    """A registry form: reference menus become `<name>_id`, many-menus `<name>_ids`."""

    #: Form fields whose value is a row (sent to the services as its id).
    refs: tuple[str, ...] = ()
    #: Form fields whose value is a list of rows (sent as a list of ids).
    many: tuple[str, ...] = ()

    def __init__(self, *args: Any, company_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company_id = company_id

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name in self.refs:
                values[f"{name}_id"] = value.pk if isinstance(value, Model) else None
            elif name in self.many:
                values[f"{name[:-1] if name.endswith('s') else name}_ids"] = [r.pk for r in value]
            else:
                values[name] = value
        return values

    def show_errors(self, errors: Mapping[str, str], message: str) -> None:
        """Put the services' errors (named by their fields) on this form's inputs."""
        placed = False
        for key, text in errors.items():
            name = key.removesuffix("_ids").removesuffix("_id")
            name = name if name in self.fields else f"{name}s"
            if name in self.fields:
                self.add_error(name, str(text))
                placed = True
        if not placed:
            self.add_error(None, message)

    @staticmethod
    def initial_of(row: Model) -> dict[str, Any]:
        """A saved row as the form's initial values (menus of many rows included)."""
        initial = {f.name: getattr(row, f.name) for f in row._meta.concrete_fields}
        for relation in row._meta.many_to_many:
            initial[relation.name] = list(getattr(row, relation.name).all())
        return initial


class CompanyForm(RegistryForm):
    refs = ("category",)
    name = forms.CharField(label=_("Name"), max_length=300)
    tax_id = forms.CharField(label=_("INN / VAT id"), max_length=32, required=False)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=CompanyCategory.objects.order_by("name"), required=False
    )
    email_domains = forms.CharField(
        label=_("E-mail domains"),
        required=False,
        help_text=_("Mail from these domains is filed under the company, e.g. acme.example"),
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class ContactForm(RegistryForm):
    name = forms.CharField(label=_("Name"), max_length=300)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    telegram = forms.CharField(label=_("Telegram"), max_length=64, required=False)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="ru")
    sees_company_tickets = forms.BooleanField(
        label=_("Sees all of the company's tickets in the portal"), required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class SiteForm(RegistryForm):
    name = forms.CharField(label=_("Name"), max_length=300)
    address = forms.CharField(label=_("Address"), max_length=500, required=False)
    latitude = DecimalInput(label=_("Latitude"), required=False, max_digits=9, decimal_places=6)
    longitude = DecimalInput(label=_("Longitude"), required=False, max_digits=9, decimal_places=6)
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, initial=settings.TIME_ZONE)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class EquipmentForm(RegistryForm):
    refs = ("site", "kind", "manufacturer", "model")
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=EquipmentKind.objects.order_by("name"))
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), required=False)
    manufacturer = forms.ModelChoiceField(
        label=_("Manufacturer"), queryset=Manufacturer.objects.order_by("name"), required=False
    )
    model = forms.ModelChoiceField(
        label=_("Model"),
        queryset=EquipmentModel.objects.select_related("manufacturer").order_by("name"),
        required=False,
    )
    serial_number = forms.CharField(label=_("Serial number"), max_length=100, required=False)
    inventory_number = forms.CharField(label=_("Inventory number"), max_length=100, required=False)
    warranty_until = forms.DateField(
        label=_("Warranty until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=Equipment.Status.choices, initial=Equipment.Status.IN_SERVICE
    )

    def __init__(self, *args: Any, company_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, company_id=company_id, **kwargs)
        sites = Site.objects.filter(company=company_id).order_by("name")
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]


class ContractForm(RegistryForm):
    many = ("sites", "equipment")
    number = forms.CharField(label=_("Number"), max_length=64)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    covers_all_sites = forms.BooleanField(
        label=_("Covers all of the company's sites"), required=False
    )
    sites = forms.ModelMultipleChoiceField(
        label=_("Covered sites"), queryset=Site.objects.none(), required=False
    )
    equipment = forms.ModelMultipleChoiceField(
        label=_("Covered equipment"), queryset=Equipment.objects.none(), required=False
    )
    included_hours = DecimalInput(
        label=_("Included hours"), required=False, max_digits=8, decimal_places=2, min_value=0
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, company_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, company_id=company_id, **kwargs)
        of_company = {"company_id": company_id}
        self.fields["sites"].queryset = Site.objects.filter(**of_company).order_by("name")  # type: ignore[attr-defined]
        self.fields["equipment"].queryset = (  # type: ignore[attr-defined]
            Equipment.objects.filter(**of_company).select_related("kind").order_by("pk")
        )
