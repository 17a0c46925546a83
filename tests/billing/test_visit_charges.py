"""Call-out fees: the first matching rule (outside the covered sites, at night, on a weekend)
charges a finished visit once; a visit no rule matches costs nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from deskline.billing.callouts import CalloutTerms, VisitFacts, callout_for, is_night
from deskline.billing.models import CalloutRule, CatalogItem, Charge
from deskline.fieldwork.models import EngineerProfile
from deskline.fieldwork.visits import visit_plan, visit_progress
from tests.billing.factories import CatalogItemFactory, PriceFactory
from tests.factories import SiteFactory

MONDAY_NOON = dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC)
MONDAY_NIGHT = dt.datetime(2026, 12, 7, 23, 30, tzinfo=dt.UTC)
SATURDAY = dt.datetime(2026, 12, 12, 12, tzinfo=dt.UTC)
NIGHT = CalloutTerms(1, 10, Decimal("1.5"), only_outside_coverage=True, only_night=True)
OUTSIDE = CalloutTerms(2, 10, Decimal(1), only_outside_coverage=True)
WEEKEND = CalloutTerms(3, 11, Decimal(1), only_weekend=True)


def test_the_night_window_wraps_past_midnight() -> None:
    assert is_night(dt.time(23), dt.time(22), dt.time(6))
    assert is_night(dt.time(5, 59), dt.time(22), dt.time(6))
    assert not is_night(dt.time(6), dt.time(22), dt.time(6))
    assert is_night(dt.time(13), dt.time(12), dt.time(14))


def test_the_first_matching_rule_wins() -> None:
    rules = [NIGHT, OUTSIDE, WEEKEND]
    assert callout_for(rules, VisitFacts(MONDAY_NIGHT, covered=False)) == NIGHT
    assert callout_for(rules, VisitFacts(MONDAY_NOON, covered=False)) == OUTSIDE
    assert callout_for(rules, VisitFacts(SATURDAY, covered=True)) == WEEKEND


def test_a_covered_site_on_a_weekday_costs_nothing() -> None:
    assert callout_for([NIGHT, OUTSIDE, WEEKEND], VisitFacts(MONDAY_NOON, covered=True)) is None


@pytest.fixture
def callout(db: None) -> CatalogItem:
    item = CatalogItemFactory(code="CALL", name="Call-out", name_ru="Выезд")
    PriceFactory(item=item, amount=Decimal("2000.00"))
    CalloutRule.objects.create(order=1, name="Night outside the contract", item=item,
                               quantity=Decimal("1.5"), only_outside_coverage=True,
                               only_night=True)  # fmt: skip
    CalloutRule.objects.create(order=2, name="Outside the contract", item=item,
                               only_outside_coverage=True)  # fmt: skip
    return item


def _last_morning() -> dt.datetime:
    """10:00 UTC of the latest day whose 10:00 has passed: a daytime visit the phone may
    report (a time in the future is taken as now), inside the contract's validity."""
    now = timezone.now()
    morning = now.replace(hour=10, minute=0, second=0, microsecond=0)
    return morning if morning <= now - dt.timedelta(hours=1) else morning - dt.timedelta(days=1)


def _visit_done(admin: Any, ticket: Any, site: Any, start: dt.datetime) -> Any:
    EngineerProfile.objects.get_or_create(user=admin)
    visit = visit_plan(actor=admin, number=ticket.number, engineer_ids=[admin.pk], start=start,
                       end=start + dt.timedelta(hours=1), site_id=site.pk, force=True)  # fmt: skip
    # Checked in and out at the planned times, not when the test runs: the fee follows the
    # check-in's local time, so a run at night would otherwise be charged the night rule.
    visit_progress(actor=admin, visit_id=visit.pk, status="on_site", at=start)
    visit_progress(actor=admin, visit_id=visit.pk, status="done", at=start + dt.timedelta(hours=1))
    return visit


def test_a_visit_outside_the_covered_sites_is_charged_once(
    billed: dict[str, Any], callout: CatalogItem, admin: Any, dispatch: Any
) -> None:
    contract = billed["contract"]
    contract.covers_all_sites = False
    contract.save()
    site = SiteFactory(company=billed["company"], time_zone="UTC")
    _visit_done(admin, billed["ticket"], site, _last_morning())
    dispatch()
    dispatch()  # a redelivery adds nothing
    (charge,) = Charge.objects.filter(ticket=billed["ticket"])
    assert charge.item == callout and charge.quantity == Decimal(1)
    assert charge.origin == "visit" and charge.unit_price == Decimal("2000.00")


def test_a_visit_to_a_covered_site_has_no_call_out_fee(
    billed: dict[str, Any], callout: CatalogItem, admin: Any, dispatch: Any
) -> None:
    contract = billed["contract"]
    contract.covers_all_sites = True
    contract.save()
    site = SiteFactory(company=billed["company"], time_zone="UTC")
    _visit_done(admin, billed["ticket"], site, _last_morning())
    dispatch()
    assert not Charge.objects.exists()
