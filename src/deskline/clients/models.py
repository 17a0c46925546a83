"""Companies, their contacts, sites (serviced objects), equipment and contracts."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CompanyCategory(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("company categories")

    def __str__(self) -> str:
        return self.name


class Company(models.Model):
    name = models.CharField(_("name"), max_length=300)
    tax_id = models.CharField(_("INN / VAT id"), max_length=32, blank=True, db_index=True)
    category = models.ForeignKey(
        CompanyCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="companies"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_companies",
    )
    email_domains = models.CharField(
        _("mail domains"), max_length=500, blank=True, help_text=_("Comma-separated")
    )
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("companies")
        indexes = [models.Index(fields=["name"], name="company_name_idx")]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=300)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    #: `phone` in E.164 (clients/phones.py), kept by contact services; "" when unreadable.
    phone_normalized = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    telegram = models.CharField(_("Telegram"), max_length=64, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact",
        help_text=_("Portal login, if the contact has one."),
    )
    sees_company_tickets = models.BooleanField(
        _("sees all of the company's tickets"), default=False
    )
    language = models.CharField(_("language"), max_length=8, default="en")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    """A serviced object: an office, a shop, a plant room."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("name"), max_length=300)
    address = models.CharField(_("address"), max_length=500, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90),
                name="site_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="site_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EquipmentKind(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    parameters = models.JSONField(
        _("parameter definitions"),
        default=list,
        blank=True,
        help_text=_('A list like [{"code": "power_kw", "name": "Power", "type": "number"}]'),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Manufacturer(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EquipmentModel(models.Model):
    manufacturer = models.ForeignKey(Manufacturer, on_delete=models.PROTECT, related_name="models")
    kind = models.ForeignKey(EquipmentKind, on_delete=models.PROTECT, related_name="models")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["manufacturer", "name"], name="equipment_model_unique")
        ]

    def __str__(self) -> str:
        return f"{self.manufacturer} {self.name}"


class Equipment(models.Model):
    class Status(models.TextChoices):
        IN_SERVICE = "in_service", _("In service")
        IN_REPAIR = "in_repair", _("In repair")
        DECOMMISSIONED = "decommissioned", _("Decommissioned")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="equipment")
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="equipment"
    )
    kind = models.ForeignKey(EquipmentKind, on_delete=models.PROTECT, related_name="equipment")
    manufacturer = models.ForeignKey(
        Manufacturer, on_delete=models.PROTECT, null=True, blank=True, related_name="equipment"
    )
    model = models.ForeignKey(
        EquipmentModel, on_delete=models.PROTECT, null=True, blank=True, related_name="equipment"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    inventory_number = models.CharField(_("inventory number"), max_length=100, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    warranty_until = models.DateField(_("warranty until"), null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_SERVICE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = _("equipment")
        indexes = [
            models.Index(fields=["serial_number"], name="equipment_serial_idx"),
            models.Index(fields=["inventory_number"], name="equipment_inventory_idx"),
        ]

    def __str__(self) -> str:
        label = self.model.name if self.model_id and self.model else self.kind.name
        return f"{label} {self.serial_number}".strip()


class Contract(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="contracts")
    number = models.CharField(_("number"), max_length=64)
    title = models.CharField(_("title"), max_length=300, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    covers_all_sites = models.BooleanField(_("covers all of the company's sites"), default=False)
    sites = models.ManyToManyField(Site, blank=True, related_name="contracts")
    equipment = models.ManyToManyField(Equipment, blank=True, related_name="contracts")
    included_hours = models.DecimalField(
        _("included hours"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="contract_number_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="contract_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def is_live_on(self, day: dt.date) -> bool:
        return (
            self.is_active
            and self.starts_on <= day
            and (self.ends_on is None or day <= self.ends_on)
        )
