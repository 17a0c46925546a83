"""Hour packages: included hours per month consumed by hourly charges, the rest billed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from deskline.billing.act_services import act_create_for_ticket
from deskline.billing.documents import act_document, quantity_text
from deskline.billing.models import BillingEvent
from deskline.billing.packages import package_split, period_of, thresholds_crossed
from deskline.billing.services import charge_add, charge_remove, charge_update
from tests.factories import ContactFactory

JAN31, FEB1 = dt.date(2026, 1, 31), dt.date(2026, 2, 1)


def test_period_is_the_calendar_month_of_the_day() -> None:
    assert period_of(JAN31) == (dt.date(2026, 1, 1), JAN31)
    assert period_of(dt.date(2026, 12, 5)) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert period_of(dt.date(2028, 2, 10))[1] == dt.date(2028, 2, 29)


@pytest.mark.parametrize("quantity,used,expected", [
    ("2", "0", ("2", "0")), ("2", "9", ("1", "1")), ("2", "10", ("0", "2")),
    ("2", "12", ("0", "2")), ("0.5", "9.75", ("0.25", "0.25")),
])  # fmt: skip
def test_a_charge_takes_what_is_left_of_the_package(
    quantity: str, used: str, expected: Any
) -> None:
    covered, billed = package_split(quantity=D(quantity), included=D(10), used=D(used))
    assert (covered, billed) == (D(expected[0]), D(expected[1]))


def test_warning_shares_are_crossed_once() -> None:
    assert thresholds_crossed(included=D(10), before=D(7), after=D(8)) == [80]
    assert thresholds_crossed(included=D(10), before=D(8), after=D(9)) == []
    assert thresholds_crossed(included=D(10), before=D(7), after=D(10)) == [80, 100]
    assert thresholds_crossed(included=D(0), before=D(0), after=D(5)) == []


def test_quantities_print_without_exponents() -> None:
    assert [quantity_text(D(v)) for v in ("100.000", "1.500", "0.250")] == ["100", "1.5", "0.25"]


@pytest.fixture
def package(billed: dict[str, Any]) -> dict[str, Any]:
    contract = billed["contract"]
    contract.included_hours = D(10)
    contract.save()
    return billed


def _hours(admin: Any, billed: dict[str, Any], item: Any, qty: str, day: dt.date) -> Any:
    return charge_add(actor=admin, ticket_number=billed["ticket"].number, item_id=item.pk,
                      quantity=D(qty), work_date=day)  # fmt: skip


@pytest.mark.django_db
def test_hours_within_the_package_cost_nothing_and_the_rest_is_billed(
    admin: Any, hour: Any, package: dict[str, Any]
) -> None:
    first = _hours(admin, package, hour, "8", JAN31)
    second = _hours(admin, package, hour, "3", JAN31)
    assert (first.included_quantity, first.total) == (D(8), D("0.00"))
    assert (second.included_quantity, second.total) == (D(2), D("1200.00"))


@pytest.mark.django_db
def test_a_new_month_starts_a_new_package(admin: Any, hour: Any, package: dict[str, Any]) -> None:
    _hours(admin, package, hour, "10", JAN31)
    february = _hours(admin, package, hour, "4", FEB1)
    january_more = _hours(admin, package, hour, "1", JAN31)
    assert (february.included_quantity, february.total) == (D(4), D("0.00"))
    assert (january_more.included_quantity, january_more.total) == (D(0), D("1200.00"))


@pytest.mark.django_db
def test_materials_and_tickets_without_a_package_are_billed_in_full(
    admin: Any, hour: Any, part: Any, package: dict[str, Any], billed: dict[str, Any],
    make_ticket: Any,
) -> None:  # fmt: skip
    assert _hours(admin, package, part, "1", JAN31).total == D("9000.00")
    loose = make_ticket(contact_id=ContactFactory().pk)  # a company without a contract
    charge = charge_add(actor=admin, ticket_number=loose.number, item_id=hour.pk,
                        quantity=D(1), work_date=JAN31)  # fmt: skip
    assert (charge.included_quantity, charge.total) == (D(0), D("1200.00"))


@pytest.mark.django_db
def test_changing_or_removing_a_charge_gives_hours_back(
    admin: Any, hour: Any, package: dict[str, Any]
) -> None:
    number = package["ticket"].number
    big = _hours(admin, package, hour, "10", JAN31)
    charge_update(actor=admin, ticket_number=number, charge_id=big.pk,
                  changes={"quantity": D(6)})  # fmt: skip
    assert _hours(admin, package, hour, "4", JAN31).total == D("0.00")
    charge_remove(actor=admin, ticket_number=number, charge_id=big.pk)
    assert _hours(admin, package, hour, "6", JAN31).total == D("0.00")


@pytest.mark.django_db
def test_the_manager_is_warned_at_80_and_100_percent_once_per_month(
    admin: Any, hour: Any, package: dict[str, Any]
) -> None:
    _hours(admin, package, hour, "8", JAN31)
    _hours(admin, package, hour, "1", JAN31)
    _hours(admin, package, hour, "5", JAN31)
    _hours(admin, package, hour, "9", FEB1)
    events = BillingEvent.objects.filter(kind__startswith="package_").order_by("pk")
    assert [(e.kind, e.subject[-7:]) for e in events] == [
        ("package_80", "2026-01"), ("package_100", "2026-01"), ("package_80", "2026-02")]  # fmt: skip


@pytest.mark.django_db
def test_the_act_prints_the_billed_hours_with_the_package_note(
    admin: Any, hour: Any, package: dict[str, Any]
) -> None:
    _hours(admin, package, hour, "12", JAN31)
    act = act_create_for_ticket(actor=admin, ticket_number=package["ticket"].number)
    (line,) = act_document(act)["lines"]
    assert line["quantity"] == "2" and "10 ч по пакету" in line["description"]
    assert act.total == D("2400.00")


@pytest.mark.django_db
def test_the_hours_endpoint_shows_used_and_included(
    admin: Any, hour: Any, package: dict[str, Any], admin_api: Any, api_for: Any
) -> None:
    _hours(admin, package, hour, "3", JAN31)
    url = f"contracts/{package['contract'].pk}/hours"
    body = admin_api.get(url, {"day": "2026-01-15"}).json()
    assert (body["included"], body["used"], body["remaining"]) == ("10.000", "3.000", "7.000")
    assert api_for(package["portal"]).get(url, {"day": "2026-01-15"}).json()["used"] == "3.000"
