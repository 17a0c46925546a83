"""REST endpoints of invoices, payments, a company's balance, the accounting webhook and the
export of acts and invoices for accounting."""

from __future__ import annotations

import datetime as dt
import hmac
from decimal import Decimal
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from ninja.errors import AuthenticationError
from pydantic import Field

from deskline.accounts.api_auth import request_user
from deskline.billing import invoice_services
from deskline.billing.exports import (
    CONTENT_TYPES,
    export_acts,
    export_documents,
    export_invoices,
)
from deskline.billing.models import Invoice, PaymentSource
from deskline.billing.selectors import company_balance, invoices_visible_to
from deskline.core.errors import NotFound
from deskline.core.schema import InSchema, OutSchema

router = Router(tags=["billing"])


class InvoiceOut(OutSchema):
    id: int
    number: str
    company_id: int
    currency: str
    total: Decimal
    vat: Decimal
    paid: Decimal
    status: str
    due_on: dt.date
    act_ids: list[int]
    issued_at: dt.datetime


def invoice_out(invoice: Invoice) -> dict[str, Any]:
    return {"id": invoice.pk, "number": invoice.display_number, "company_id": invoice.company_id,
            "currency": invoice.currency, "total": invoice.total, "vat": invoice.vat,
            "paid": invoice.paid, "status": invoice.status, "due_on": invoice.due_on,
            "act_ids": [line.act_id for line in invoice.lines.all()],
            "issued_at": invoice.issued_at}  # fmt: skip


class InvoiceIn(InSchema):
    act_ids: list[int] = Field(min_length=1, max_length=500)
    due_on: dt.date | None = None


class PaymentIn(InSchema):
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    paid_on: dt.date | None = None


class PaymentOut(OutSchema):
    id: int
    amount: Decimal
    paid_on: dt.date
    source: str
    external_id: str


class BalanceOut(OutSchema):
    currency: str
    invoiced: Decimal
    paid: Decimal
    due: Decimal
    overdue: Decimal


class ExportQuery(InSchema):
    start: dt.date
    end: dt.date
    format: Literal["csv", "xlsx"] = "csv"


def _visible(request: HttpRequest, invoice_id: int) -> Invoice:
    invoice = invoices_visible_to(request_user(request)).filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFound(f"invoice {invoice_id} not found")
    return invoice


@router.get("/invoices", response=list[InvoiceOut], summary="Invoices the caller may see")
def list_invoices(request: HttpRequest, company_id: int | None = None) -> list[dict[str, Any]]:
    invoices = invoices_visible_to(request_user(request)).prefetch_related("lines")
    if company_id is not None:
        invoices = invoices.filter(company_id=company_id)
    return [invoice_out(i) for i in invoices[:500]]


@router.post("/invoices", response={201: InvoiceOut}, summary="Invoice issued acts")
def create_invoice(request: HttpRequest, payload: InvoiceIn) -> Status[dict[str, Any]]:
    invoice = invoice_services.invoice_create(actor=request_user(request), **payload.dict())
    return Status(201, invoice_out(invoice))


@router.get("/invoices/{invoice_id}", response=InvoiceOut, summary="One invoice")
def get_invoice(request: HttpRequest, invoice_id: int) -> dict[str, Any]:
    return invoice_out(_visible(request, invoice_id))


@router.post("/invoices/{invoice_id}/cancel", response=InvoiceOut, summary="Cancel unpaid")
def cancel_invoice(request: HttpRequest, invoice_id: int) -> dict[str, Any]:
    invoice_services.invoice_cancel(actor=request_user(request), invoice_id=invoice_id)
    return invoice_out(_visible(request, invoice_id))


@router.get("/invoices/{invoice_id}/payments", response=list[PaymentOut], summary="Payments")
def list_payments(request: HttpRequest, invoice_id: int) -> list[dict[str, Any]]:
    invoice = _visible(request, invoice_id)
    return [{"id": p.pk, "amount": p.amount, "paid_on": p.paid_on, "source": p.source,
             "external_id": p.external_id} for p in invoice.payments.all()]  # fmt: skip


@router.post("/invoices/{invoice_id}/payments", response={201: InvoiceOut},
             summary="Record a payment (admins, supervisors, dispatchers)")  # fmt: skip
def add_payment(request: HttpRequest, invoice_id: int, payload: PaymentIn) -> Status[Any]:
    invoice_services.payment_record(actor=request_user(request), invoice_id=invoice_id,
                                    source=PaymentSource.API, **payload.dict())  # fmt: skip
    return Status(201, invoice_out(_visible(request, invoice_id)))


@router.get("/companies/{company_id}/balance", response=list[BalanceOut],
            summary="A company's invoiced, paid, due and overdue amounts per currency")  # fmt: skip
def get_balance(request: HttpRequest, company_id: int) -> list[dict[str, Any]]:
    invoice_services.require_accountant(request_user(request))
    return company_balance(company_id)


@router.get("/billing/export/acts", summary="Acts of a period, one row per line (CSV/XLSX)")
def acts_export(request: HttpRequest, query: Query[ExportQuery]) -> HttpResponse:
    invoice_services.require_accountant(request_user(request))
    body = export_acts(start=query.start, end=query.end, fmt=query.format)
    return _download(body, f"acts-{query.start}-{query.end}.{query.format}", query.format)


@router.get("/billing/export/invoices", summary="Invoices of a period, one row each (CSV/XLSX)")
def invoices_export(request: HttpRequest, query: Query[ExportQuery]) -> HttpResponse:
    invoice_services.require_accountant(request_user(request))
    body = export_invoices(start=query.start, end=query.end, fmt=query.format)
    return _download(body, f"invoices-{query.start}-{query.end}.{query.format}", query.format)


class DocumentsQuery(InSchema):
    start: dt.date
    end: dt.date
    format: Literal["csv", "xlsx", "jsonl"] = "csv"


@router.get("/billing/export/documents",
            summary="Acts of a period for an accounting import: one row per act with its lines")  # fmt: skip
def documents_export(request: HttpRequest, query: Query[DocumentsQuery]) -> HttpResponse:
    invoice_services.require_accountant(request_user(request))
    body = export_documents(start=query.start, end=query.end, fmt=query.format)
    return _download(body, f"documents-{query.start}-{query.end}.{query.format}", query.format)


def _download(body: bytes, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class PaymentNoticeIn(InSchema):
    invoice_number: str = Field(max_length=32, description="INV-2026-00001")
    status: Literal["paid", "partially_paid"]
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    paid_on: dt.date | None = None
    payment_id: str = Field(min_length=1, max_length=100, description="the system's own id")


def webhook_auth(request: HttpRequest) -> bool:
    secret = settings.DESKLINE_BILLING_WEBHOOK_SECRET
    given = request.headers.get("X-Billing-Token", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        raise AuthenticationError()
    return True


@router.post("/billing/payments/webhook", response={202: InvoiceOut}, auth=webhook_auth,
             summary="An accounting system's payment notice (X-Billing-Token)")  # fmt: skip
def payment_webhook(request: HttpRequest, payload: PaymentNoticeIn) -> Status[Any]:
    """`paid` or `partially_paid` with the amount of this payment; redelivery is harmless."""
    invoice = invoice_services.invoice_by_number(payload.invoice_number)
    invoice_services.payment_record(actor=None, invoice_id=invoice.pk, amount=payload.amount,
                                    paid_on=payload.paid_on, source=PaymentSource.WEBHOOK,
                                    external_id=payload.payment_id)  # fmt: skip
    invoice.refresh_from_db()
    return Status(202, invoice_out(invoice))
