"""Desk and portal pages of billing: the charges panel of a ticket (htmx), acts and their PDFs.

Each view adapts one service or selector; errors of the services are shown, never re-checked.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from deskline.accounts.models import User
from deskline.billing import act_services, invoice_services, selectors, services
from deskline.billing.access import act_get_visible, client_company_id, ticket_for_charges
from deskline.billing.documents import act_document, charge_totals, quantity_text
from deskline.billing.models import ActStatus, PaymentSource
from deskline.billing.package_services import package_usage
from deskline.billing.pdf import act_pdf
from deskline.clients.selectors import contracts_visible_to
from deskline.core.errors import DomainError, NotFound
from deskline.core.permissions import handles_invoices, is_admin
from deskline.core.roles import ROLES_SEEING_ALL, Role
from deskline.desk.web import client_page, field_errors, is_htmx, staff_page


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _panel(request: HttpRequest, number: int, error: str = "", status: int = 200) -> HttpResponse:
    user = _user(request)
    try:
        ticket = ticket_for_charges(user, number)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    charges = list(selectors.charges_for_ticket(ticket.pk))
    by_currency: dict[str, list[Any]] = {}
    for charge in charges:
        by_currency.setdefault(charge.currency, []).append(charge)
    sums = {currency: charge_totals(rows) for currency, rows in by_currency.items()}
    context = {"ticket": ticket, "charges": charges, "sums": sums, "error": error,
               "items": selectors.catalog_list(),
               "unbilled": any(c.act_id is None for c in charges),
               "may_draft": user.role != Role.CONTRACTOR or user.is_superuser}  # fmt: skip
    return render(request, "billing/_charges.html", context, status=status)


@staff_page
def charges_panel(request: HttpRequest, number: int) -> HttpResponse:
    """The ticket page's charges card (loaded by htmx; also a page of its own)."""
    if request.method == "POST":
        return _charge_add(request, number)
    return _panel(request, number)


def _decimal(text: str, default: str) -> Decimal:
    try:
        return Decimal((text or default).replace(",", ".").strip())
    except InvalidOperation:
        return Decimal(-1)  # refused by the service with its message


def _charge_add(request: HttpRequest, number: int) -> HttpResponse:
    try:
        services.charge_add(
            actor=_user(request), ticket_number=number,
            item_id=int(request.POST.get("item_id") or 0),
            quantity=_decimal(request.POST.get("quantity", ""), "1"),
            discount_percent=_decimal(request.POST.get("discount_percent", ""), "0"),
        )  # fmt: skip
    except (DomainError, ValueError) as exc:
        message = exc.message if isinstance(exc, DomainError) else str(exc)
        fields = exc.fields if isinstance(exc, DomainError) else {}
        return _panel(request, number, field_errors(fields) or message, status=422)
    return _panel(request, number)


@require_POST
@staff_page
def charge_remove(request: HttpRequest, number: int, charge_id: int) -> HttpResponse:
    try:
        services.charge_remove(actor=_user(request), ticket_number=number, charge_id=charge_id)
    except DomainError as exc:
        return _panel(request, number, exc.message, status=exc.status)
    return _panel(request, number)


def _go(request: HttpRequest, url: str) -> HttpResponse:
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


@require_POST
@staff_page
def act_draft(request: HttpRequest, number: int) -> HttpResponse:
    currency = request.POST.get("currency") or None
    try:
        act = act_services.act_create_for_ticket(actor=_user(request), ticket_number=number,
                                                 currency=currency)  # fmt: skip
    except DomainError as exc:
        return _panel(request, number, field_errors(exc.fields) or exc.message, exc.status)
    return _go(request, f"/billing/acts/{act.pk}/")


@staff_page
def act_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    acts = selectors.act_list_for(_user(request), status=status, limit=200)
    return render(request, "billing/act_list.html", {"acts": acts, "status": status,
                  "statuses": ActStatus.choices, "nav": "acts"})  # fmt: skip


def _visible_act(request: HttpRequest, act_id: int) -> Any:
    try:
        return act_get_visible(_user(request), act_id)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


@staff_page
def act_page(request: HttpRequest, act_id: int) -> HttpResponse:
    user = _user(request)
    act = _visible_act(request, act_id)
    context = {"act": act, "doc": act_document(act), "nav": "acts",
               "may_issue": user.role != Role.CONTRACTOR or user.is_superuser,
               "may_cancel": is_admin(user) or user.role in ROLES_SEEING_ALL,
               "error": request.GET.get("error", "")}  # fmt: skip
    return render(request, "billing/act.html", context)


ACTIONS = {"issue": act_services.act_issue, "sign": act_services.act_sign,
           "cancel": act_services.act_cancel}  # fmt: skip


@require_POST
@staff_page
def act_action(request: HttpRequest, act_id: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("no such action")
    _visible_act(request, act_id)
    try:
        act = ACTIONS[action](actor=_user(request), act_id=act_id)
    except DomainError as exc:
        act = _visible_act(request, act_id)
        context = {"act": act, "doc": act_document(act), "nav": "acts", "error": exc.message}
        return render(request, "billing/act.html", context, status=exc.status)
    return _go(request, "/billing/acts/" if act is None else f"/billing/acts/{act_id}/")


def _pdf_response(act: Any) -> HttpResponse:
    response = HttpResponse(act_pdf(act_document(act)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="act-{act.display_number}.pdf"'
    return response


@staff_page
def act_pdf_download(request: HttpRequest, act_id: int) -> HttpResponse:
    return _pdf_response(_visible_act(request, act_id))


@client_page
def portal_act_list(request: HttpRequest) -> HttpResponse:
    """A client's acts: their company's issued acts, when the company sees prices."""
    user = _user(request)
    allowed = client_company_id(user) is not None
    acts = selectors.act_list_for(user, limit=200) if allowed else []
    invoices = selectors.invoices_visible_to(user)[:200] if allowed else []
    today = timezone.localdate()
    packages = []
    for contract in contracts_visible_to(user).filter(included_hours__gt=0)[:20]:
        usage = package_usage(contract, today)
        packages.append({"number": contract.number, "used": quantity_text(usage["used"]),
                         "included": quantity_text(usage["included"])})  # fmt: skip
    return render(request, "billing/portal_acts.html",
                  {"acts": acts, "invoices": invoices, "allowed": allowed,
                   "packages": packages})  # fmt: skip


@client_page
def portal_act_pdf(request: HttpRequest, act_id: int) -> HttpResponse:
    return _pdf_response(_visible_act(request, act_id))


@staff_page
def company_balance_panel(request: HttpRequest, company_id: int) -> HttpResponse:
    """The company page's balance card (loaded by htmx): invoiced, paid, due and overdue per
    currency, for those who handle invoices (nothing for other staff)."""
    if not handles_invoices(_user(request)):
        return HttpResponse("")
    balance = selectors.company_balance(company_id)
    return render(request, "billing/_balance.html", {"balance": balance})


@staff_page
def invoice_list(request: HttpRequest) -> HttpResponse:
    """Invoices with their payment status; payments are recorded here by hand."""
    user = _user(request)
    try:
        invoice_services.require_accountant(user)
    except DomainError as exc:
        return render(request, "billing/invoice_list.html", {"error": exc.message,
                      "nav": "invoices"}, status=exc.status)  # fmt: skip
    invoices = selectors.invoices_visible_to(user).prefetch_related("lines__act")[:200]
    issued = selectors.act_list_for(user, status=ActStatus.ISSUED, limit=200)
    context = {"invoices": invoices, "issued": issued, "nav": "invoices",
               "error": request.GET.get("error", "")}  # fmt: skip
    return render(request, "billing/invoice_list.html", context)


@require_POST
@staff_page
def invoice_create(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("act_ids") if v.isdigit()]
    try:
        invoice_services.invoice_create(actor=_user(request), act_ids=ids)
    except DomainError as exc:
        return _invoices_error(exc)
    return HttpResponseRedirect("/billing/invoices/")


@require_POST
@staff_page
def invoice_payment(request: HttpRequest, invoice_id: int) -> HttpResponse:
    try:
        invoice_services.payment_record(
            actor=_user(request), invoice_id=invoice_id,
            amount=_decimal(request.POST.get("amount", ""), "0"), source=PaymentSource.MANUAL,
        )  # fmt: skip
    except DomainError as exc:
        return _invoices_error(exc)
    return HttpResponseRedirect("/billing/invoices/")


def _invoices_error(exc: DomainError) -> HttpResponse:
    message = field_errors(exc.fields) or exc.message
    return HttpResponseRedirect(f"/billing/invoices/?{urlencode({'error': message})}")


@client_page
def portal_charges(request: HttpRequest, number: int) -> HttpResponse:
    """The ticket's charges for the portal's ticket page: read-only, and nothing at all when
    the company does not see prices (the placeholder is swapped for an empty answer)."""
    try:
        ticket = ticket_for_charges(_user(request), number)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except DomainError:
        return HttpResponse("")
    charges = list(selectors.charges_for_ticket(ticket.pk))
    if not charges:
        return HttpResponse("")
    sums: dict[str, Any] = {}
    for currency in sorted({c.currency for c in charges}):
        sums[currency] = charge_totals([c for c in charges if c.currency == currency])
    return render(request, "billing/portal_charges.html", {"charges": charges, "sums": sums})
