"""Profitability arithmetic: pure, Decimal only, no ORM.

Per company and contract in a month: revenue (the net of charges in issued or signed acts),
the value of the package hours consumed (hours x the list's hourly rate, net of VAT), the cost
of the time logged on its tickets (minutes x the hourly cost of whoever logged them), and the
margin = revenue - cost of time. The included-hours value is shown beside it, not added: it is
what the package gave away at list prices, paid (or not) by the contract's fee.

An agent's hourly cost is their own when set, else that of the ticket's team, else that of the
first of their own teams (lowest id) that has one; time nobody prices is counted as unpriced.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from deskline.billing.money import ZERO, round_money

SIXTY = Decimal(60)
TENTH = Decimal("0.1")


def hourly_rate(
    *, user_id: int, ticket_team_id: int | None, user_costs: Mapping[int, Decimal],
    team_costs: Mapping[int, Decimal], user_teams: Sequence[int],
) -> Decimal | None:  # fmt: skip
    """The cost of an hour of `user_id`'s time on a ticket of `ticket_team_id`."""
    if user_id in user_costs:
        return user_costs[user_id]
    if ticket_team_id is not None and ticket_team_id in team_costs:
        return team_costs[ticket_team_id]
    for team_id in sorted(user_teams):
        if team_id in team_costs:
            return team_costs[team_id]
    return None


def margin_percent(margin: Decimal, revenue: Decimal) -> Decimal | None:
    """Margin as a share of revenue, one decimal, half up; None without revenue."""
    if revenue <= 0:
        return None
    return (margin * 100 / revenue).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass
class ProfitRow:
    """One company's (and contract's, None for tickets without one) month."""

    company_id: int
    contract_id: int | None
    company: str = ""
    contract: str = ""
    revenue: Decimal = ZERO
    included_hours: Decimal = Decimal("0.000")
    included_value: Decimal = ZERO
    minutes: int = 0
    unpriced_minutes: int = 0
    #: The exact (unrounded) sum of minutes x hourly cost; `cost` rounds it once.
    cost_minutes_value: Decimal = field(default=ZERO, repr=False)

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / SIXTY).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def cost(self) -> Decimal:
        return round_money(self.cost_minutes_value / SIXTY)

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost

    @property
    def margin_percent(self) -> Decimal | None:
        return margin_percent(self.margin, self.revenue)

    def add_time(self, minutes: int, rate: Decimal | None) -> None:
        self.minutes += minutes
        if rate is None:
            self.unpriced_minutes += minutes
        else:
            self.cost_minutes_value += rate * minutes


def sorted_by_margin(rows: Iterable[ProfitRow]) -> list[ProfitRow]:
    """Losses first: margin ascending, then the company's and the contract's names."""
    return sorted(rows, key=lambda r: (r.margin, r.company, r.contract, r.contract_id or 0))


def totals_of(rows: Sequence[ProfitRow]) -> dict[str, Decimal | int | None]:
    """The report's bottom line (sums of the rows' rounded figures)."""
    revenue = sum((r.revenue for r in rows), ZERO)
    cost = sum((r.cost for r in rows), ZERO)
    return {"revenue": revenue, "included_value": sum((r.included_value for r in rows), ZERO),
            "cost": cost, "margin": revenue - cost,
            "margin_percent": margin_percent(revenue - cost, revenue),
            "minutes": sum(r.minutes for r in rows)}  # fmt: skip
