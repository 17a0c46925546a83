"""The profitability report's reads: a month's revenue, package hours and cost of time per
company and contract, summed in SQL and priced in Python (`billing.profitability`).

Seven queries whatever the number of companies, tickets or time entries: revenue, package
hours, logged minutes (each grouped in SQL), the hourly costs, the agents' teams, and the
companies' and contracts' names.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from deskline.accounts.models import TeamMembership
from deskline.billing.cost_models import TimeCost
from deskline.billing.models import ActStatus, Charge, ItemKind
from deskline.billing.money import line_amounts
from deskline.billing.packages import period_of
from deskline.billing.profitability import ProfitRow, hourly_rate, sorted_by_margin
from deskline.clients.models import Company, Contract
from deskline.core.errors import ValidationFailed
from deskline.fieldwork.models import TimeEntry

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
Key = tuple[int, int | None]


def month_parse(text: str) -> dt.date:
    """The first day of the month `YYYY-MM` (this month when empty)."""
    if not text:
        return timezone.localdate().replace(day=1)
    match = MONTH.match(text.strip())
    if match is None:
        raise ValidationFailed("the month is YYYY-MM", fields={"month": "expected YYYY-MM"})
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def _charges(period: tuple[dt.date, dt.date], currency: str) -> Iterable[Charge]:
    return Charge.objects.filter(work_date__range=period, currency=currency).annotate(
        company_key=Coalesce(F("company_id"), F("ticket__company_id")),
        contract_key=F("ticket__contract_id"),
    )


def _revenue(rows: dict[Key, ProfitRow], period: tuple[dt.date, dt.date], currency: str) -> None:
    charges = _charges(period, currency).filter(  # type: ignore[attr-defined]
        act__status__in=[ActStatus.ISSUED, ActStatus.SIGNED]
    )
    for r in charges.values("company_key", "contract_key").annotate(net=Sum("net")):
        if r["company_key"] is not None:
            _row(rows, r["company_key"], r["contract_key"]).revenue += Decimal(r["net"])


def _packages(rows: dict[Key, ProfitRow], period: tuple[dt.date, dt.date], currency: str) -> None:
    charges = _charges(period, currency).filter(  # type: ignore[attr-defined]
        kind=ItemKind.HOUR, included_quantity__gt=0
    )
    groups = charges.values("company_key", "contract_key", "unit_price", "vat_rate",
                            "prices_include_vat").annotate(hours=Sum("included_quantity"))  # fmt: skip
    for g in groups:
        if g["company_key"] is None:
            continue
        row = _row(rows, g["company_key"], g["contract_key"])
        hours = Decimal(g["hours"])
        row.included_hours += hours
        row.included_value += line_amounts(
            unit_price=Decimal(g["unit_price"]), quantity=hours, vat_rate=Decimal(g["vat_rate"]),
            includes_vat=g["prices_include_vat"],
        ).net  # fmt: skip


def _time(rows: dict[Key, ProfitRow], first: dt.date) -> None:
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(period_of(first)[1] + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    entries = TimeEntry.objects.filter(
        started_at__gte=start, started_at__lt=end, minutes__gt=0, ticket__company__isnull=False
    )
    groups = list(entries.values("ticket__company_id", "ticket__contract_id", "ticket__team_id",
                                 "user_id").annotate(total=Sum("minutes")))  # fmt: skip
    if not groups:
        return
    user_costs: dict[int, Decimal] = {}
    team_costs: dict[int, Decimal] = {}
    for cost in TimeCost.objects.values("user_id", "team_id", "hourly_cost"):
        if cost["user_id"] is not None:
            user_costs[cost["user_id"]] = Decimal(cost["hourly_cost"])
        else:
            team_costs[cost["team_id"]] = Decimal(cost["hourly_cost"])
    user_teams: dict[int, list[int]] = {}
    users = {g["user_id"] for g in groups}
    for m in TeamMembership.objects.filter(user_id__in=users).values("user_id", "team_id"):
        user_teams.setdefault(m["user_id"], []).append(m["team_id"])
    for g in groups:
        rate = hourly_rate(user_id=g["user_id"], ticket_team_id=g["ticket__team_id"],
                           user_costs=user_costs, team_costs=team_costs,
                           user_teams=user_teams.get(g["user_id"], []))  # fmt: skip
        row = _row(rows, g["ticket__company_id"], g["ticket__contract_id"])
        row.add_time(int(g["total"]), rate)


def _row(rows: dict[Key, ProfitRow], company_id: int, contract_id: int | None) -> ProfitRow:
    key = (company_id, contract_id)
    if key not in rows:
        rows[key] = ProfitRow(company_id=company_id, contract_id=contract_id)
    return rows[key]


def _name(rows: dict[Key, ProfitRow]) -> None:
    companies = dict(Company.objects.filter(pk__in={k[0] for k in rows}).values_list("pk", "name"))
    contract_ids = {k[1] for k in rows if k[1] is not None}
    contracts = dict(Contract.objects.filter(pk__in=contract_ids).values_list("pk", "number"))
    for (company_id, contract_id), row in rows.items():
        row.company = companies.get(company_id, "")
        row.contract = contracts.get(contract_id, "") if contract_id is not None else ""


def profitability_for_month(*, month: dt.date, currency: str = "RUB") -> list[ProfitRow]:
    """Each company's and contract's month with any revenue, package hours or logged time,
    losses first. Charges in other currencies are left out; costs are in `currency`."""
    period = period_of(month)
    rows: dict[Key, ProfitRow] = {}
    _revenue(rows, period, currency)
    _packages(rows, period, currency)
    _time(rows, period[0])
    if rows:
        _name(rows)
    return sorted_by_margin(rows.values())
