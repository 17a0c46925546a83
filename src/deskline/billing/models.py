"""Billing's rows: the catalogue, price lists, requisites, charges on tickets, acts, events.

Money columns are `Decimal` (two places for amounts, percentages with two places); a price
list carries its currency and whether its prices include VAT, and each charge copies those
with the price when it is added, so a later price change never rewrites a charge.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from deskline.clients.models import Company, Contract

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(0), MaxValueValidator(100)],
}


class ItemKind(models.TextChoices):
    HOUR = "hour", _("Service per hour")
    UNIT = "unit", _("Service per unit")
    FIXED = "fixed", _("Fixed-price service")
    MATERIAL = "material", _("Material or part")


class CatalogItem(models.Model):
    """A service or a material (a part); materials carry their SKU in `code`."""

    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices)
    code = models.CharField(_("code / SKU"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=32, default="pcs")
    vat_rate = models.DecimalField(_("VAT rate, %"), default=0, **PERCENT)  # type: ignore[arg-type]
    is_active = models.BooleanField(_("active"), default=True)
    #: Logged time of this kind (on site, remote, travel) is charged with this hourly item.
    bills_time_kind = models.CharField(
        _("charges logged time of kind"), max_length=8, blank=True,
        choices=[("on_site", _("On site")), ("remote", _("Remote")), ("travel", _("Travel"))],
        help_text=_("A billable time entry of this kind becomes a charge of this item (hours)."),
    )  # fmt: skip

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_service(self) -> bool:
        return self.kind != ItemKind.MATERIAL


class PriceList(models.Model):
    """Prices in one currency for a period: the default (no company, no contract), a company's
    or a contract's, which override the default item by item."""

    name = models.CharField(_("name"), max_length=200)
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, null=True, blank=True, related_name="price_lists"
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, null=True, blank=True, related_name="price_lists"
    )
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    prices_include_vat = models.BooleanField(_("prices include VAT"), default=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(company__isnull=False, contract__isnull=False),
                name="price_list_one_scope",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="price_list_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope(self) -> str:
        if self.company_id:
            return "company"
        return "contract" if self.contract_id else "default"


class Price(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="prices")
    item = models.ForeignKey(CatalogItem, on_delete=models.PROTECT, related_name="prices")
    amount = models.DecimalField(_("price"), validators=[MinValueValidator(0)], **MONEY)  # type: ignore[arg-type]
    #: Overrides the item's VAT rate in this list when set.
    vat_rate = models.DecimalField(_("VAT rate, %"), null=True, blank=True, **PERCENT)  # type: ignore[arg-type]

    class Meta:
        ordering = ["item__name"]
        constraints = [
            models.UniqueConstraint(fields=["price_list", "item"], name="price_unique_item"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.amount}"


class Requisites(models.Model):
    """The details a document prints for a party: INN/KPP and bank for Russian companies, the
    VAT id for EU ones (the INN itself is the company's `tax_id`)."""

    legal_name = models.CharField(_("legal name"), max_length=300, blank=True)
    country = models.CharField(_("country (ISO code)"), max_length=2, default="RU")
    address = models.CharField(_("legal address"), max_length=500, blank=True)
    kpp = models.CharField(_("KPP"), max_length=9, blank=True)
    vat_id = models.CharField(_("VAT id"), max_length=32, blank=True)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    bank_bic = models.CharField(_("BIC"), max_length=11, blank=True)
    bank_account = models.CharField(_("account"), max_length=34, blank=True)
    correspondent_account = models.CharField(_("correspondent account"), max_length=20, blank=True)

    class Meta:
        abstract = True


class Provider(Requisites):
    """The service company itself (one row): the provider on every act."""

    tax_id = models.CharField(_("INN / tax id"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("provider's requisites")
        verbose_name_plural = _("provider's requisites")

    def __str__(self) -> str:
        return self.legal_name or "provider"


class DocumentLanguage(models.TextChoices):
    RU = "ru", "Русский"
    EN = "en", "English"


class CompanyBilling(Requisites):
    """A client company's billing settings and requisites (kept beside clients.Company)."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="billing")
    sees_prices = models.BooleanField(_("client users see prices, charges and acts"), default=False)
    language = models.CharField(
        _("document language"), max_length=2, choices=DocumentLanguage.choices, default="ru"
    )
    #: Overrides DESKLINE_FLAG_OVERDUE_DAYS for this company (see `billing/overdue.py`).
    overdue_flag_days = models.PositiveSmallIntegerField(
        _("flag tickets when invoices are overdue by more than N days"), null=True, blank=True,
        help_text=_("Empty: the global setting. 0: any invoice past its due date."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("company billing")
        verbose_name_plural = _("company billing")

    def __str__(self) -> str:
        return f"billing of {self.company_id}"


class BillingEvent(models.Model):
    """Append-only history of every money change (prices, charges, acts) with before/after."""

    kind = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(max_length=32, help_text="charge:12, act:3, price:7")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["ticket", "id"], name="billing_event_ticket"),
            models.Index(fields=["subject", "id"], name="billing_event_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}"


class ChargeOrigin(models.TextChoices):
    """Where a charge came from; automatic origins carry the source row's id in `origin_ref`
    (a later foreign key to a time entry or a visit fits beside it without changing charges)."""

    MANUAL = "manual", _("Added by hand")
    PHONE = "phone", _("Added from the phone")
    TIME_ENTRY = "time_entry", _("Billable time entry")
    VISIT = "visit", _("Visit")


class Charge(models.Model):
    """A line of paid work on a ticket: its price resolved and frozen when it was added."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="charges")
    #: The ticket's company when the charge was added: the one billed for it (monthly acts
    #: find a company's charges on their own index, without the tickets).
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    item = models.ForeignKey(CatalogItem, on_delete=models.PROTECT, related_name="charges")
    description = models.CharField(_("description"), max_length=300)
    kind = models.CharField(max_length=16, choices=ItemKind.choices)
    unit = models.CharField(_("unit"), max_length=32)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    #: Hours of `quantity` covered by the contract's package (not billed); see `packages`.
    included_quantity = models.DecimalField(
        _("included in the package"), max_digits=12, decimal_places=3, default=0
    )
    unit_price = models.DecimalField(_("unit price"), **MONEY)  # type: ignore[arg-type]
    currency = models.CharField(_("currency"), max_length=3)
    prices_include_vat = models.BooleanField(_("price includes VAT"))
    vat_rate = models.DecimalField(_("VAT rate, %"), **PERCENT)  # type: ignore[arg-type]
    discount_percent = models.DecimalField(_("discount, %"), default=0, **PERCENT)  # type: ignore[arg-type]
    net = models.DecimalField(_("without VAT"), **MONEY)  # type: ignore[arg-type]
    vat = models.DecimalField(_("VAT"), **MONEY)  # type: ignore[arg-type]
    total = models.DecimalField(_("total"), **MONEY)  # type: ignore[arg-type]
    work_date = models.DateField(_("work date"))
    price_list = models.ForeignKey(
        PriceList, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    act = models.ForeignKey(
        "billing.Act", on_delete=models.SET_NULL, null=True, blank=True, related_name="charges"
    )
    origin = models.CharField(
        max_length=16, choices=ChargeOrigin.choices, default=ChargeOrigin.MANUAL
    )
    origin_ref = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["work_date", "pk"]
        indexes = [
            models.Index(fields=["ticket", "id"], name="charge_ticket"),
            models.Index(fields=["act", "id"], name="charge_act"),
            models.Index(fields=["work_date", "id"], name="charge_work_date"),
            models.Index(
                fields=["company", "work_date"],
                condition=models.Q(act__isnull=True),
                name="charge_company_unbilled",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="charge_quantity_pos"),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="charge_price_not_negative"
            ),
            # An automatic source (time entry, visit) is charged once however often it is sent.
            models.UniqueConstraint(
                fields=["origin", "origin_ref"],
                condition=~models.Q(origin_ref=""),
                name="charge_origin_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} × {self.quantity}"


class ActStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    SIGNED = "signed", _("Signed")
    CANCELLED = "cancelled", _("Cancelled")


class Act(models.Model):
    """An act of completed work: a ticket's charges, or a company's for a month, in one
    currency. Its number is given when it is issued, without gaps within the year, and a
    cancelled act keeps it. From issuing on, its lines and totals are frozen in `lines`."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="acts")
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, null=True, blank=True, related_name="acts"
    )
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    language = models.CharField(
        _("language"), max_length=2, choices=DocumentLanguage.choices, default="ru"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ActStatus.choices, default=ActStatus.DRAFT
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    net = models.DecimalField(_("without VAT"), default=0, **MONEY)  # type: ignore[arg-type]
    vat = models.DecimalField(_("VAT"), default=0, **MONEY)  # type: ignore[arg-type]
    total = models.DecimalField(_("total"), default=0, **MONEY)  # type: ignore[arg-type]
    #: The printed lines and both parties' requisites, frozen when the act is issued.
    snapshot = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["company", "-id"], name="act_company")]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="act_number_unique"),
            models.CheckConstraint(
                condition=models.Q(status="draft", number__isnull=True)
                | (~models.Q(status="draft") & models.Q(number__isnull=False, year__isnull=False)),
                name="act_numbered_when_issued",
            ),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"{self.year}-{self.number:05d}" if self.number else f"draft {self.pk}"


class ActCounter(models.Model):
    """The last number of a year of acts (kind "act") or invoices ("invoice"): locked FOR
    UPDATE while a document is numbered, so numbers are handed out in order, once each, and
    only by a transaction that commits."""

    kind = models.CharField(max_length=16, default="act")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="document_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", _("Awaiting payment")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class Invoice(models.Model):
    """A bill for one or more issued acts of one company in one currency; numbered per year
    without gaps like acts (its own counter). Its status follows the payments recorded."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="invoices")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    currency = models.CharField(_("currency"), max_length=3)
    total = models.DecimalField(_("total"), **MONEY)  # type: ignore[arg-type]
    vat = models.DecimalField(_("VAT"), **MONEY)  # type: ignore[arg-type]
    paid = models.DecimalField(_("paid"), default=0, **MONEY)  # type: ignore[arg-type]
    status = models.CharField(
        _("status"), max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED
    )
    due_on = models.DateField(_("due on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["company", "status"], name="invoice_company_status")]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="invoice_number_unique")
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"INV-{self.year}-{self.number:05d}"


class InvoiceAct(models.Model):
    """An act billed by an invoice; an act is in at most one invoice that is not cancelled
    (services check it; a cancelled invoice keeps its rows)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    act = models.ForeignKey(Act, on_delete=models.PROTECT, related_name="invoice_lines")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invoice", "act"], name="invoice_act_unique")
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}: act {self.act_id}"


class PaymentSource(models.TextChoices):
    MANUAL = "manual", _("By hand")
    API = "api", _("API")
    WEBHOOK = "webhook", _("Accounting system")


class Payment(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), **MONEY)  # type: ignore[arg-type]
    paid_on = models.DateField(_("paid on"))
    source = models.CharField(max_length=16, choices=PaymentSource.choices)
    #: The accounting system's payment id: a redelivered notice records nothing twice.
    external_id = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive"),
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~models.Q(external_id=""),
                name="payment_external_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} on {self.paid_on}"


class CalloutRule(models.Model):
    """A call-out fee for finished visits; the first active rule (by order) that matches wins."""

    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    item = models.ForeignKey(CatalogItem, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("catalogue item"))  # fmt: skip
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2,
                                   default=Decimal(1),
                                   help_text=_("e.g. 1.5 for a night visit at one and a half"))  # fmt: skip
    only_outside_coverage = models.BooleanField(
        _("only outside the contract's covered sites"), default=False)  # fmt: skip
    only_night = models.BooleanField(_("only at night"), default=False)
    night_starts = models.TimeField(_("night starts"), default=dt.time(22))
    night_ends = models.TimeField(_("night ends"), default=dt.time(6))
    only_weekend = models.BooleanField(_("only on weekends"), default=False)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("call-out fee rule")
        verbose_name_plural = _("call-out fee rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="callout_quantity_positive"
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return self.name


# Registered with billing's models (kept in its own module; see cost_models).
from deskline.billing.cost_models import TimeCost as TimeCost  # noqa: E402
