"""REST endpoint of the profitability report (admins, supervisors, dispatchers)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router
from pydantic import Field

from deskline.accounts.api_auth import request_user
from deskline.billing.profitability import ProfitRow, totals_of
from deskline.billing.profitability_selectors import month_parse, profitability_for_month
from deskline.core.permissions import require_report_reader
from deskline.core.schema import OutSchema

router = Router(tags=["billing"])


class ProfitRowOut(OutSchema):
    company_id: int
    company: str
    contract_id: int | None
    contract: str
    revenue: Decimal
    included_hours: Decimal
    included_value: Decimal
    minutes: int
    unpriced_minutes: int
    cost: Decimal
    margin: Decimal
    margin_percent: Decimal | None


class ProfitabilityOut(OutSchema):
    month: str = Field(description="YYYY-MM")
    currency: str
    rows: list[ProfitRowOut]
    totals: dict[str, Decimal | int | None]


def row_out(row: ProfitRow) -> dict[str, Any]:
    return {"company_id": row.company_id, "company": row.company, "contract_id": row.contract_id,
            "contract": row.contract, "revenue": row.revenue,
            "included_hours": row.included_hours, "included_value": row.included_value,
            "minutes": row.minutes, "unpriced_minutes": row.unpriced_minutes, "cost": row.cost,
            "margin": row.margin, "margin_percent": row.margin_percent}  # fmt: skip


@router.get("/billing/profitability", response=ProfitabilityOut,
            summary="Revenue, package value, cost of time and margin per company and contract "
                    "in a month, losses first")  # fmt: skip
def profitability(request: HttpRequest, month: str = "", currency: str = "RUB") -> Any:
    """`month` is YYYY-MM (this month by default); charges in other currencies are left out."""
    require_report_reader(request_user(request))
    first = month_parse(month)
    rows = profitability_for_month(month=first, currency=currency.upper()[:3])
    return {"month": f"{first:%Y-%m}", "currency": currency.upper()[:3],
            "rows": [row_out(r) for r in rows], "totals": totals_of(rows)}  # fmt: skip
