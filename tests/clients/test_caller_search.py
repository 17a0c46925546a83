"""Caller search: every way a dispatcher may type who is calling, in a constant query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deskline.accounts.models import Role
from deskline.clients.caller import caller_search
from deskline.core.errors import PermissionDenied
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    ContactUserFactory,
    EquipmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():  # type: ignore[no-untyped-def]
    return UserFactory(role=Role.AGENT)


@pytest.mark.parametrize("typed", ["+7 (912) 345-67-89", "89123456789", "79123456789"])
def test_phone_in_any_format_finds_the_contact(agent, typed: str) -> None:  # type: ignore[no-untyped-def]
    contact = ContactFactory(phone="8 912 345 67 89", name="Ivan Petrov")
    ContactFactory(phone="+7 912 000 00 00")
    hits = [h for h in caller_search(user=agent, query=typed) if h.kind == "contact"]
    assert [h.contact_id for h in hits] == [contact.pk]
    assert hits[0].company_id == contact.company_id


def test_email_name_company_inn_and_serial(agent) -> None:  # type: ignore[no-untyped-def]
    company = CompanyFactory(name="Romashka LLC", tax_id="7701234567")
    contact = ContactFactory(company=company, name="Anna Sidorova", email="anna@romashka.example")
    unit = EquipmentFactory(site__company=company, serial_number="XR-778", inventory_number="INV9")

    def ids(query: str, kind: str) -> list[int | None]:
        key = {"contact": "contact_id", "company": "company_id", "equipment": "equipment_id"}[kind]
        return [getattr(h, key) for h in caller_search(user=agent, query=query) if h.kind == kind]

    assert ids("anna@romashka.example", "contact") == [contact.pk]
    assert ids("sidorova", "contact") == [contact.pk]
    assert ids("romashka", "company") == [company.pk]
    assert ids("7701234567", "company") == [company.pk]
    assert ids("xr-778", "equipment") == [unit.pk]
    hit = next(h for h in caller_search(user=agent, query="INV9") if h.kind == "equipment")
    assert (hit.company_id, hit.site_id) == (company.pk, unit.site_id)


def test_query_count_is_constant(agent) -> None:  # type: ignore[no-untyped-def]
    company = CompanyFactory(name="Acme")
    ContactFactory.create_batch(5, company=company, name="Acme person")
    EquipmentFactory.create_batch(3, site__company=company)
    with CaptureQueriesContext(connection) as ctx:
        caller_search(user=agent, query="acme")
    assert len(ctx.captured_queries) == 3


def test_short_input_finds_nothing(agent) -> None:  # type: ignore[no-untyped-def]
    ContactFactory(name="A")
    assert caller_search(user=agent, query=" a ") == []


def test_client_contact_may_not_search() -> None:
    portal = ContactUserFactory()
    with pytest.raises(PermissionDenied):
        caller_search(user=portal, query="anything")
