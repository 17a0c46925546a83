"""Expiry reminders: the due step (pure, against day-by-day simulation), the expiring list
(warranties, contract ends, licence parameters; a client's own only), reminders once per step
to the manager and, if set, the contact; the API and the desk page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from deskline.accounts.models import Role
from deskline.fieldwork.expiry import expiring_for, expiry_reminders_send
from deskline.fieldwork.expiry_rules import clean_steps, due_step
from deskline.fieldwork.maintenance_models import ExpiryReminder, ExpirySettings
from deskline.notifications.models import Outbox
from tests.factories import (
    ContactFactory,
    ContactUserFactory,
    ContractFactory,
    EquipmentFactory,
    EquipmentKindFactory,
    UserFactory,
)

TODAY = timezone.localdate()


def test_the_nearest_reached_step_is_due_and_passed_ones_are_recorded() -> None:
    expires = dt.date(2027, 1, 31)
    due = due_step(expires_on=expires, today=expires - dt.timedelta(days=20), steps=(90, 30, 7))
    assert due is not None and (due.send, due.record) == (30, (30, 90))
    assert due_step(expires_on=expires, today=expires - dt.timedelta(days=20), steps=(90, 30, 7),
                    sent=(30, 90)) is None  # fmt: skip
    assert due_step(expires_on=expires, today=expires - dt.timedelta(days=100), steps=(90,)) is None
    assert due_step(expires_on=expires, today=expires + dt.timedelta(days=1), steps=(90,)) is None


def test_steps_are_cleaned_or_refused() -> None:
    assert clean_steps([7, 90, 30, 7]) == (90, 30, 7)
    with pytest.raises(ValueError, match="whole number"):
        clean_steps([0])
    with pytest.raises(ValueError, match="whole number"):
        clean_steps(["30"])


@given(steps=st.sets(st.integers(1, 120), min_size=1, max_size=5), start=st.integers(0, 200))
def test_daily_runs_send_each_step_at_most_once_nearest_first(steps: set[int], start: int) -> None:
    expires = dt.date(2027, 6, 1)
    sent: list[int] = []
    recorded: set[int] = set()
    for left in range(start, -1, -1):
        due = due_step(expires_on=expires, today=expires - dt.timedelta(days=left), steps=steps,
                       sent=recorded)  # fmt: skip
        if due is not None:
            sent.append(due.send)
            recorded |= set(due.record)
    assert sent == sorted(sent, reverse=True) and len(sent) == len(set(sent))
    reachable = sorted(s for s in steps if s <= start)
    first = min((s for s in steps if s >= start), default=None)
    assert sent == ([first] if first is not None and first not in reachable else []) + sorted(
        reachable, reverse=True)  # fmt: skip


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    manager = UserFactory(role=Role.AGENT, email="manager@desk.example", language="en")
    kind = EquipmentKindFactory(code="pos", name="POS", parameters=[
        {"code": "licence_until", "name": "OFD licence", "type": "date"}])  # fmt: skip
    warranty = EquipmentFactory(kind=kind, warranty_until=TODAY + dt.timedelta(days=30))
    company = warranty.company
    company.manager = manager
    company.save()
    licence = EquipmentFactory(kind=kind, site=warranty.site, parameters={
        "licence_until": (TODAY + dt.timedelta(days=7)).isoformat()})  # fmt: skip
    contract = ContractFactory(company=company, ends_on=TODAY + dt.timedelta(days=85))
    EquipmentFactory(kind=kind, site=warranty.site, warranty_until=TODAY + dt.timedelta(days=200))
    other = EquipmentFactory(warranty_until=TODAY + dt.timedelta(days=10))
    return {"company": company, "warranty": warranty, "licence": licence, "contract": contract,
            "other": other, "manager": manager}  # fmt: skip


def test_the_list_holds_warranties_licences_and_contracts_within_the_window(
    world: dict[str, Any],
) -> None:
    items = expiring_for(UserFactory(role=Role.AGENT), days=90, today=TODAY)
    assert [(i.kind, i.object_id) for i in items] == [
        ("parameter", world["licence"].pk), ("warranty", world["other"].pk),
        ("warranty", world["warranty"].pk), ("contract", world["contract"].pk)]  # fmt: skip
    assert items[0].what == "OFD licence"
    assert len(expiring_for(UserFactory(role=Role.AGENT), days=8, today=TODAY)) == 1


def test_a_client_lists_only_its_companys_items(world: dict[str, Any]) -> None:
    user = ContactUserFactory(contact__company=world["company"])
    items = expiring_for(user, days=90, today=TODAY)
    assert world["other"].pk not in {i.object_id for i in items} and len(items) == 3


def test_the_manager_is_reminded_once_per_step(world: dict[str, Any]) -> None:
    assert expiry_reminders_send(today=TODAY) == 3  # the warranty (30), licence (7), contract (90)
    mails = Outbox.objects.filter(recipient="manager@desk.example")
    assert mails.count() == 1
    body = mails.get().body
    assert "OFD licence" in body and "/contracts/" in body and "in 7 days" in body
    assert expiry_reminders_send(today=TODAY) == 0
    assert expiry_reminders_send(today=TODAY + dt.timedelta(days=1)) == 0
    assert expiry_reminders_send(today=TODAY + dt.timedelta(days=23)) == 1  # warranty at 7 days
    assert (
        ExpiryReminder.objects.filter(kind="warranty", object_id=world["warranty"].pk).count() == 3
    )


def test_the_companys_contact_is_reminded_when_the_company_asks(world: dict[str, Any]) -> None:
    contact = ContactFactory(company=world["company"], email="boss@client.example", language="ru")
    ExpirySettings.objects.create(company=world["company"], notify_contact=contact, steps=[10])
    expiry_reminders_send(today=TODAY)
    mail = Outbox.objects.get(recipient="boss@client.example")
    assert "/equipment/" not in mail.body  # desk links are for staff
    assert Outbox.objects.filter(recipient="manager@desk.example").count() == 1


def test_the_api_and_the_desk_page_list_what_expires(world: dict[str, Any], api_for: Any) -> None:
    agent = UserFactory(role=Role.AGENT)
    rows = api_for(agent).get("expiring", {"days": 60}).json()
    assert [r["days_left"] for r in rows] == [7, 10, 30]
    client_rows = api_for(ContactUserFactory(contact__company=world["company"])).get(
        "expiring", {"days": 60}).json()  # fmt: skip
    assert len(client_rows) == 2
    browser = Client()
    browser.force_login(agent)
    page = browser.get("/expiring/?days=90").content.decode()
    assert "Expiring in 90 days" in page and world["contract"].number in page
