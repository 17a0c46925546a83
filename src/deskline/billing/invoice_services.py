"""Invoices from issued acts, payments (by hand, API or an accounting system's webhook) and a
company's balance; each change records its `BillingEvent` with before/after.

An invoice bills issued or signed acts of one company in one currency, each act in at most one
invoice that is not cancelled. Its status follows its payments: nothing paid -> issued, part ->
partially paid, all (or more) -> paid. A payment carrying the accounting system's id is recorded
once however often the notice is redelivered.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from deskline.accounts.models import User
from deskline.billing.act_services import counter_next
from deskline.billing.events import billing_event_record
from deskline.billing.models import (
    Act,
    ActStatus,
    Invoice,
    InvoiceAct,
    InvoiceStatus,
    Payment,
    PaymentSource,
)
from deskline.billing.money import round_money
from deskline.core.errors import NotFound, PermissionDenied, ValidationFailed
from deskline.core.permissions import Actor, handles_invoices

#: Days to pay when the invoice names no due date.
DEFAULT_TERM_DAYS = 10


def require_accountant(actor: Actor) -> None:
    """Invoices and payments are for those who see every act (admins, supervisors, dispatchers)."""
    if not handles_invoices(actor):
        raise PermissionDenied("only administrators, supervisors and dispatchers handle invoices")


def invoice_snapshot(invoice: Invoice) -> dict[str, Any]:
    return {"number": invoice.display_number, "status": invoice.status,
            "total": str(invoice.total), "paid": str(invoice.paid)}  # fmt: skip


@transaction.atomic
def invoice_create(*, actor: User, act_ids: list[int], due_on: dt.date | None = None) -> Invoice:
    require_accountant(actor)
    ids = sorted(set(act_ids))
    acts = list(Act.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if not acts or len(acts) != len(ids):
        raise ValidationFailed("no such acts", fields={"act_ids": "unknown act ids"})
    fields: dict[str, str] = {}
    if any(a.status not in (ActStatus.ISSUED, ActStatus.SIGNED) for a in acts):
        fields["act_ids"] = "only issued or signed acts are invoiced"
    elif len({(a.company_id, a.currency) for a in acts}) > 1:
        fields["act_ids"] = "the acts are of several companies or currencies"
    elif (
        InvoiceAct.objects.filter(act__in=acts)
        .exclude(invoice__status=InvoiceStatus.CANCELLED)
        .exists()
    ):
        fields["act_ids"] = "an act is already invoiced"
    if fields:
        raise ValidationFailed("the invoice is not valid", fields=fields)
    today = timezone.localdate()
    invoice = Invoice.objects.create(
        company_id=acts[0].company_id, currency=acts[0].currency, year=today.year,
        number=counter_next("invoice", today.year),
        total=sum((a.total for a in acts), Decimal(0)), vat=sum((a.vat for a in acts), Decimal(0)),
        due_on=due_on or today + dt.timedelta(days=DEFAULT_TERM_DAYS), created_by=actor,
    )  # fmt: skip
    InvoiceAct.objects.bulk_create(InvoiceAct(invoice=invoice, act=a) for a in acts)
    billing_event_record(kind="invoice_issued", actor=actor, subject=f"invoice:{invoice.pk}",
                         company_id=invoice.company_id, after=invoice_snapshot(invoice))  # fmt: skip
    return invoice


def _status_for(total: Decimal, paid: Decimal) -> str:
    if paid >= total:
        return InvoiceStatus.PAID
    return InvoiceStatus.PARTIALLY_PAID if paid > 0 else InvoiceStatus.ISSUED


@transaction.atomic
def payment_record(
    *, actor: User | None, invoice_id: int, amount: Decimal, paid_on: dt.date | None = None,
    source: str = PaymentSource.MANUAL, external_id: str = "",
) -> Payment:  # fmt: skip
    """Record a payment and move the invoice's status; a known `external_id` of the same
    source returns the payment already recorded."""
    if actor is not None:
        require_accountant(actor)
    if external_id:
        known = Payment.objects.filter(source=source, external_id=external_id).first()
        if known is not None:
            return known
    invoice = Invoice.objects.select_for_update().filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFound(f"invoice {invoice_id} not found")
    if invoice.status == InvoiceStatus.CANCELLED:
        raise ValidationFailed("the invoice is cancelled")
    if amount <= 0 or amount != round_money(amount):
        raise ValidationFailed("the amount is not valid", fields={"amount": "> 0, in kopecks"})
    before = invoice_snapshot(invoice)
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                invoice=invoice, amount=round_money(amount), paid_on=paid_on or timezone.localdate(),
                source=source, external_id=external_id,
                created_by=actor if actor is not None and actor.pk else None,
            )  # fmt: skip
    except IntegrityError:  # the same notice, delivered twice at once
        return Payment.objects.get(source=source, external_id=external_id)
    invoice.paid = round_money(invoice.payments.aggregate(s=Sum("amount"))["s"] or Decimal(0))
    invoice.status = _status_for(invoice.total, invoice.paid)
    invoice.save(update_fields=["paid", "status"])
    billing_event_record(kind="payment_recorded", actor=actor, subject=f"invoice:{invoice.pk}",
                         company_id=invoice.company_id, before=before,
                         after={**invoice_snapshot(invoice), "payment": str(payment.amount),
                                "source": source})  # fmt: skip
    return payment


@transaction.atomic
def invoice_cancel(*, actor: User, invoice_id: int) -> Invoice:
    """Cancel an unpaid invoice: it keeps its number, its acts may be invoiced again."""
    require_accountant(actor)
    invoice = Invoice.objects.select_for_update().filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFound(f"invoice {invoice_id} not found")
    if invoice.status == InvoiceStatus.CANCELLED or invoice.paid > 0:
        raise ValidationFailed("only an unpaid invoice is cancelled")
    before = invoice_snapshot(invoice)
    invoice.status = InvoiceStatus.CANCELLED
    invoice.save(update_fields=["status"])
    billing_event_record(kind="invoice_cancelled", actor=actor, subject=f"invoice:{invoice.pk}",
                         company_id=invoice.company_id, before=before,
                         after=invoice_snapshot(invoice))  # fmt: skip
    return invoice


def invoice_by_number(text: str) -> Invoice:
    """The invoice printed as INV-YYYY-NNNNN."""
    parts = text.strip().upper().removeprefix("INV-").split("-")
    if len(parts) == 2 and all(p.isascii() and p.isdigit() and len(p) <= 9 for p in parts):
        invoice = Invoice.objects.filter(year=int(parts[0]), number=int(parts[1])).first()
        if invoice is not None:
            return invoice
    raise NotFound(f"invoice {text} not found")
