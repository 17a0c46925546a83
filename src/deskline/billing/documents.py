"""What an act prints, as plain data: lines, totals, VAT breakdown and both parties' details.

`act_document` builds it from the rows (the live charges while the act is a draft); issuing
freezes the same dict in `Act.snapshot`, so an issued act prints the same forever, whatever
later happens to prices, charges or requisites.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F, QuerySet

from deskline.billing.models import Act, Charge, CompanyBilling, Provider
from deskline.billing.money import LineAmounts, Totals, totals
from deskline.clients.models import Company
from deskline.fieldwork.selectors import WorkDone, work_done_on

REQUISITE_FIELDS = ("legal_name", "country", "address", "kpp", "vat_id", "bank_name", "bank_bic",
                    "bank_account", "correspondent_account")  # fmt: skip


def _party(name: str, tax_id: str, details: Any) -> dict[str, str]:
    party = {"name": name, "tax_id": tax_id}
    for field in REQUISITE_FIELDS:
        party[field] = getattr(details, field, "") if details is not None else ""
    if not party["legal_name"]:
        party["legal_name"] = name
    return party


def provider_party() -> dict[str, str]:
    provider = Provider.objects.order_by("pk").first()
    name = provider.legal_name if provider else ""
    return _party(name, provider.tax_id if provider else "", provider)


def client_party(company: Company) -> dict[str, str]:
    # The reverse one-to-one: no query when the caller selected it with the company.
    details: CompanyBilling | None = getattr(company, "billing", None)
    return _party(company.name, company.tax_id, details)


def charge_totals(charges: Iterable[Charge]) -> Totals:
    return totals(
        (c.vat_rate, LineAmounts(c.net + c.vat, Decimal(0), c.net, c.vat, c.total)) for c in charges
    )


def quantity_text(value: Decimal) -> str:
    """3.000 -> "3", 1.500 -> "1.5", 100.000 -> "100" (never "1E+2")."""
    return format(value.normalize(), "f")


#: The note on a line whose hours the contract's package partly covered (printed quantity is
#: what is billed).
PACKAGE_NOTE = {"ru": "ещё {hours} ч по пакету договора", "en": "plus {hours} h in the package"}


def _line(charge: Charge, language: str) -> dict[str, str]:
    name = charge.description
    if language == "ru" and charge.description == charge.item.name and charge.item.name_ru:
        name = charge.item.name_ru
    billed = charge.quantity - charge.included_quantity
    if charge.included_quantity:
        note = PACKAGE_NOTE.get(language, PACKAGE_NOTE["en"])
        name = f"{name} ({note.format(hours=quantity_text(charge.included_quantity))})"
    return {
        "ticket": str(charge.ticket_number),  # type: ignore[attr-defined]
        "work_date": charge.work_date.isoformat(),
        "description": name,
        "unit": charge.unit,
        "quantity": quantity_text(billed),
        "unit_price": str(charge.unit_price),
        "discount_percent": str(charge.discount_percent),
        "vat_rate": str(charge.vat_rate),
        "net": str(charge.net),
        "vat": str(charge.vat),
        "total": str(charge.total),
    }


def act_document(act: Act) -> dict[str, Any]:
    """The act as printed: the frozen snapshot once issued, built from the rows before."""
    if act.snapshot:
        return dict(act.snapshot)
    return document_build(act, list(act_lines(act)))


def act_lines(act: Act) -> QuerySet[Charge]:
    """The act's charges in print order, with the ticket number each line names."""
    lines = act.charges.select_related("item").annotate(ticket_number=F("ticket__number"))
    return lines.order_by("work_date", "pk")


def act_ticket_ids(act: Act, charges: list[Charge]) -> list[int]:
    """The tickets whose work the act prints: its lines' and its own."""
    return sorted({c.ticket_id for c in charges} | ({act.ticket_id} if act.ticket_id else set()))


def document_build(
    act: Act, charges: list[Charge], *, provider: dict[str, str] | None = None,
    work: WorkDone | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The act's document; `provider` and `work` when the caller read them for many acts."""
    sums = charge_totals(charges)
    if work is None:
        work = work_done_on(act_ticket_ids(act, charges), settings.TIME_ZONE)
    return {
        "number": act.display_number if act.number else "",
        "language": act.language,
        "currency": act.currency,
        "issued_on": act.issued_at.date().isoformat() if act.issued_at else "",
        "period": [
            act.period_start.isoformat() if act.period_start else "",
            act.period_end.isoformat() if act.period_end else "",
        ],
        "ticket": act.ticket.number if act.ticket_id and act.ticket else None,
        "provider": provider if provider is not None else provider_party(),
        "client": client_party(act.company),
        "lines": [_line(c, act.language) for c in charges],
        "net": str(sums.net),
        "vat": str(sums.vat),
        "total": str(sums.total),
        "by_rate": [[str(rate), str(n), str(v)] for rate, (n, v) in sums.by_rate.items()],
        # What was done (visits with times, checklist steps) and the client's signature from
        # the last visit; frozen with the rest when the act is issued.
        "work": work.lines,
        "signature": base64.b64encode(work.signature_png).decode() if work.signature_png else "",
        "signed_by": work.signed_by,
    }
