"""The desk's profitability report page (admins, supervisors, dispatchers)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from deskline.accounts.models import User
from deskline.billing.profitability import totals_of
from deskline.billing.profitability_selectors import month_parse, profitability_for_month
from deskline.core.errors import DomainError
from deskline.core.permissions import require_report_reader
from deskline.desk.web import staff_page


@staff_page
def profitability_page(request: HttpRequest) -> HttpResponse:
    """A month's companies and contracts, losses first (`?month=YYYY-MM&currency=RUB`)."""
    user = request.user
    assert isinstance(user, User)
    currency = (request.GET.get("currency") or "RUB").upper()[:3]
    context: dict[str, Any] = {
        "nav": "profitability",
        "currency": currency,
        "rows": [],
        "error": "",
    }
    try:
        require_report_reader(user)
        first = month_parse(request.GET.get("month", ""))
    except DomainError as exc:
        context["error"] = exc.message
        return render(request, "billing/profitability.html", context, status=exc.status)
    rows = profitability_for_month(month=first, currency=currency)
    context.update(month=f"{first:%Y-%m}", rows=rows, totals=totals_of(rows))
    return render(request, "billing/profitability.html", context)
