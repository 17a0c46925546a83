"""Reads of the billing app: the catalogue, price lists and the price in force for a ticket."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from deskline.accounts.models import Role, User
from deskline.billing.models import (
    Act,
    BillingEvent,
    CatalogItem,
    Charge,
    CompanyBilling,
    Invoice,
    InvoiceStatus,
    Price,
    PriceList,
)
from deskline.billing.money import round_money
from deskline.billing.overdue import OverdueGroup, OverdueInvoices, overdue_by_company
from deskline.billing.pricing import Candidate, Scope, price_resolve
from deskline.clients.flags import CompanyFlag
from deskline.core.prepared import PreparedQuery
from deskline.core.roles import ROLES_SEEING_ALL


def catalog_list(*, active_only: bool = True) -> QuerySet[CatalogItem]:
    items = CatalogItem.objects.all()
    return items.filter(is_active=True) if active_only else items


def price_list_list() -> QuerySet[PriceList]:
    return PriceList.objects.select_related("company", "contract").prefetch_related("prices__item")


def _scope_of(row: PriceList, company_id: int | None, contract_id: int | None) -> Scope:
    if row.company_id is not None and row.company_id == company_id:
        return Scope.COMPANY
    if row.contract_id is not None and row.contract_id == contract_id:
        return Scope.CONTRACT
    return Scope.DEFAULT


def price_candidates(
    *, item: CatalogItem, company_id: int | None, contract_id: int | None
) -> list[Candidate]:
    """Every price of `item` from the lists that could apply to this company and contract."""
    scopes = Q(company__isnull=True, contract__isnull=True)
    if company_id is not None:
        scopes |= Q(company_id=company_id)
    if contract_id is not None:
        scopes |= Q(contract_id=contract_id)
    prices = Price.objects.filter(
        item=item, price_list__in=PriceList.objects.filter(scopes)
    ).select_related("price_list")
    return [
        Candidate(
            list_id=p.price_list_id,
            scope=_scope_of(p.price_list, company_id, contract_id),
            valid_from=p.price_list.valid_from,
            valid_until=p.price_list.valid_until,
            amount=p.amount,
            currency=p.price_list.currency,
            includes_vat=p.price_list.prices_include_vat,
            vat_rate=p.vat_rate if p.vat_rate is not None else item.vat_rate,
            is_active=p.price_list.is_active,
        )
        for p in prices
    ]


def price_in_force(
    *, item: CatalogItem, company_id: int | None, contract_id: int | None, work_date: dt.date
) -> Candidate | None:
    """The price of `item` for this company/contract on `work_date` (see `pricing`)."""
    candidates = price_candidates(item=item, company_id=company_id, contract_id=contract_id)
    return price_resolve(candidates, work_date=work_date)


def company_sees_prices(company_id: int | None) -> bool:
    if company_id is None:
        return False
    return CompanyBilling.objects.filter(company_id=company_id, sees_prices=True).exists()


def charges_for_ticket(ticket_id: int) -> QuerySet[Charge]:
    return (
        Charge.objects.filter(ticket_id=ticket_id).select_related("act").order_by("work_date", "pk")
    )


def billing_events_for(subject: str) -> QuerySet[BillingEvent]:
    return BillingEvent.objects.filter(subject=subject).order_by("pk")


def act_list_for(
    user: User, *, status: str = "", company_id: int | None = None,
    ticket_number: int | None = None, limit: int = 100,
) -> QuerySet[Act]:  # fmt: skip
    from deskline.billing.access import acts_visible_to

    acts = acts_visible_to(user).select_related("ticket", "company")
    if status:
        acts = acts.filter(status=status)
    if company_id is not None:
        acts = acts.filter(company_id=company_id)
    if ticket_number is not None:
        acts = acts.filter(ticket__number=ticket_number)
    return acts.order_by("-pk")[:limit]


def invoices_visible_to(user: User) -> QuerySet[Invoice]:
    """Every invoice for those who see every act; a client user their company's when it sees
    prices; nobody else."""
    from deskline.billing.access import client_company_id

    invoices = Invoice.objects.select_related("company")
    if not user.is_active:
        return invoices.none()
    if user.is_superuser or user.role in ROLES_SEEING_ALL:
        return invoices
    if user.role == Role.CONTACT:
        company_id = client_company_id(user)
        return invoices.filter(company_id=company_id) if company_id else invoices.none()
    return invoices.none()


def company_balance(company_id: int) -> list[dict[str, Any]]:
    """Per currency: invoiced (not cancelled), paid, due, and the overdue amount today."""
    today = timezone.localdate()
    rows = (
        Invoice.objects.filter(company_id=company_id)
        .exclude(status=InvoiceStatus.CANCELLED)
        .values("currency")
        .annotate(
            invoiced_sum=Sum("total"),
            paid_sum=Sum("paid"),
            overdue_sum=Sum(F("total") - F("paid"), filter=Q(due_on__lt=today) & ~Q(status="paid")),
        )
        .order_by("currency")
    )
    return [
        {
            "currency": r["currency"],
            "invoiced": round_money(r["invoiced_sum"]),
            "paid": round_money(r["paid_sum"]),
            "due": round_money(r["invoiced_sum"] - r["paid_sum"]),
            "overdue": round_money(r["overdue_sum"] or Decimal(0)),
        }  # fmt: skip
        for r in rows
    ]


def _overdue_query(*, company_ids: list[int], today: dt.date) -> QuerySet[Any]:
    return (
        Invoice.objects.filter(
            company_id__in=company_ids,
            status__in=(InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID),
            due_on__lt=today,
        )
        .values("company_id", "currency", "due_on", "company__billing__overdue_flag_days")
        .annotate(n=Count("pk"), unpaid=Sum(F("total") - F("paid")))
        .order_by()
    )


#: Compiled once per process and number of companies (`core.prepared`): every ticket page and
#: list asks.
_OVERDUE: PreparedQuery[dict[str, Any]] = PreparedQuery(_overdue_query, plan_once=True)


def overdue_invoices_for(
    company_ids: Collection[int], *, today: dt.date | None = None
) -> dict[int, OverdueInvoices]:
    """The companies among `company_ids` whose unpaid invoices are overdue beyond their
    threshold (see `overdue`), with how many and the unpaid rest: one query for any number."""
    today = today or timezone.localdate()
    rows = _OVERDUE.all(company_ids=sorted(company_ids), today=today)
    groups = (
        OverdueGroup(
            r["company_id"],
            r["currency"],
            r["due_on"],
            r["company__billing__overdue_flag_days"],
            r["n"],
            r["unpaid"],
        )  # fmt: skip
        for r in rows
    )
    return overdue_by_company(groups, today=today, default_days=settings.DESKLINE_FLAG_OVERDUE_DAYS)


def overdue_invoice_flags(company_ids: Collection[int]) -> dict[int, CompanyFlag]:
    """The staff's warning "Company has overdue invoices: N, total X" per flagged company."""
    flags = {}
    for company_id, found in overdue_invoices_for(company_ids).items():
        total = " + ".join(f"{number_format(amount, 2, force_grouping=True)} {currency}"
                           for currency, amount in found.unpaid.items())  # fmt: skip
        text = _("Company has overdue invoices: %(count)s, total %(total)s") % {
            "count": found.count, "total": total}  # fmt: skip
        flags[company_id] = CompanyFlag("overdue_invoices", text)
    return flags
