"""Profitability per company and contract in a month: revenue from issued acts, the package's
value, the cost of logged time, margin; losses first; a constant number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deskline.accounts.models import User
from deskline.billing import act_services, services
from deskline.billing.cost_models import TimeCost
from deskline.billing.models import CatalogItem
from deskline.billing.profitability import hourly_rate, margin_percent
from deskline.billing.profitability_selectors import month_parse, profitability_for_month
from deskline.core.errors import ValidationFailed
from deskline.fieldwork.models import TimeEntry
from tests.factories import CompanyFactory, ContractFactory, TeamFactory, UserFactory

NOVEMBER = dt.date(2026, 11, 1)


def _log(user: User, ticket: Any, minutes: int, day: int = 10, month: int = 11) -> None:
    started = dt.datetime(2026, month, day, 9, 0, tzinfo=dt.UTC)
    TimeEntry.objects.create(ticket=ticket, user=user, started_at=started, minutes=minutes)


@pytest.fixture
def month(billed: dict[str, Any], hour: CatalogItem, part: CatalogItem, admin: User,
          make_ticket: Any) -> dict[str, Any]:  # fmt: skip
    """Company A's contract (2 included hours): 3 hours and a part billed in an issued act,
    135 minutes logged; company B: 2 hours logged, nothing billed."""
    contract = billed["contract"]
    contract.included_hours = Decimal(2)
    contract.save()
    number = billed["ticket"].number
    for item, quantity in ((hour, "3"), (part, "1")):
        services.charge_add(actor=admin, ticket_number=number, item_id=item.pk,
                            quantity=Decimal(quantity), work_date=dt.date(2026, 11, 10))  # fmt: skip
    act = act_services.act_create_for_ticket(actor=admin, ticket_number=number)
    act_services.act_issue(actor=admin, act_id=act.pk)
    dear = UserFactory(role="agent")
    TimeCost.objects.create(user=dear, hourly_cost=Decimal("1500.00"))
    cheap = UserFactory(role="agent")
    TimeCost.objects.create(team=TeamFactory(members=[cheap]), hourly_cost=Decimal("800.00"))
    unpriced = UserFactory(role="agent")
    _log(dear, billed["ticket"], 90)
    _log(cheap, billed["ticket"], 45)
    _log(unpriced, billed["ticket"], 10)
    _log(dear, billed["ticket"], 600, month=10)  # another month
    other = make_ticket(title="B's printer", company_id=CompanyFactory(name="B").pk)
    _log(dear, other, 120)
    return {"a": billed["company"], "contract": contract, "other": other, "dear": dear}


def test_a_company_that_only_costs_comes_first_with_its_loss(month: dict[str, Any]) -> None:
    first = profitability_for_month(month=NOVEMBER)[0]
    assert first.company == "B" and first.contract_id is None
    assert first.revenue == Decimal("0.00") and first.cost == Decimal("3000.00")
    assert first.margin == Decimal("-3000.00") and first.margin_percent is None


def test_revenue_is_the_net_of_the_issued_act(month: dict[str, Any]) -> None:
    row = profitability_for_month(month=NOVEMBER)[1]
    # 1 billed hour of 1,200.00 with 20 % VAT included -> 1,000.00; the part 9,000.00 -> 7,500.00
    assert (row.company_id, row.contract_id) == (month["a"].pk, month["contract"].pk)
    assert row.revenue == Decimal("8500.00")


def test_package_hours_are_valued_at_the_lists_rate_without_vat(month: dict[str, Any]) -> None:
    row = profitability_for_month(month=NOVEMBER)[1]
    assert row.included_hours == Decimal("2.000") and row.included_value == Decimal("2000.00")


def test_cost_of_time_takes_the_agents_cost_else_the_teams(month: dict[str, Any]) -> None:
    row = profitability_for_month(month=NOVEMBER)[1]
    # 90 min x 1,500.00 + 45 min x 800.00 = 2,250.00 + 600.00; 10 minutes nobody prices
    assert row.cost == Decimal("2850.00") and row.minutes == 145 and row.unpriced_minutes == 10
    assert row.margin == Decimal("5650.00") and row.margin_percent == Decimal("66.5")


def test_draft_acts_bring_no_revenue(
    billed: dict[str, Any], hour: CatalogItem, admin: User
) -> None:
    services.charge_add(actor=admin, ticket_number=billed["ticket"].number, item_id=hour.pk,
                        quantity=Decimal(1), work_date=dt.date(2026, 11, 3))  # fmt: skip
    act_services.act_create_for_ticket(actor=admin, ticket_number=billed["ticket"].number)
    assert profitability_for_month(month=NOVEMBER) == []


def test_the_report_reads_in_a_constant_number_of_queries(
    month: dict[str, Any], make_ticket: Any
) -> None:
    with CaptureQueriesContext(connection) as few:
        profitability_for_month(month=NOVEMBER)
    for n in range(3):
        contract = ContractFactory(company=CompanyFactory())
        ticket = make_ticket(company_id=contract.company_id, contract_id=contract.pk)
        _log(UserFactory(role="agent"), ticket, 30 + n)
        _log(month["dear"], ticket, 15)
    with CaptureQueriesContext(connection) as many:
        assert len(profitability_for_month(month=NOVEMBER)) == 5
    assert len(many) == len(few) <= 7


def test_an_agents_own_cost_wins_over_the_tickets_team_and_their_own_teams() -> None:
    costs = {"user_costs": {1: Decimal(10)}, "team_costs": {7: Decimal(5), 3: Decimal(4)}}
    assert hourly_rate(user_id=1, ticket_team_id=7, user_teams=[3], **costs) == Decimal(10)
    assert hourly_rate(user_id=2, ticket_team_id=7, user_teams=[3], **costs) == Decimal(5)
    assert hourly_rate(user_id=2, ticket_team_id=9, user_teams=[7, 3], **costs) == Decimal(4)
    assert hourly_rate(user_id=2, ticket_team_id=None, user_teams=[], **costs) is None


def test_margin_percent_rounds_half_up_to_a_tenth() -> None:
    assert margin_percent(Decimal("1"), Decimal("16")) == Decimal("6.3")  # 6.25
    assert margin_percent(Decimal("-5"), Decimal("0")) is None


def test_a_month_is_written_year_dash_month() -> None:
    assert month_parse("2026-02") == dt.date(2026, 2, 1)
    with pytest.raises(ValidationFailed):
        month_parse("2026-13")


def test_the_api_answers_the_month_with_totals(month: dict[str, Any], admin_api: Any) -> None:
    body = admin_api.get("billing/profitability?month=2026-11").json()
    assert [r["company"] for r in body["rows"]][0] == "B"
    assert body["rows"][1]["margin"] == "5650.00" and body["rows"][1]["margin_percent"] == "66.5"
    assert body["totals"]["margin"] == "2650.00"


def test_the_api_refuses_a_malformed_month(admin_api: Any) -> None:
    response = admin_api.get("billing/profitability?month=11-2026")
    assert response.status_code == 422 and response.json()["error"]["fields"]["month"]


def test_the_page_lists_losses_first(month: dict[str, Any], client: Any, admin: User) -> None:
    client.force_login(admin)
    page = client.get("/billing/profitability/?month=2026-11").content.decode()
    assert page.index("-3000.00") < page.index("5650.00")
    assert "66.5" in page
