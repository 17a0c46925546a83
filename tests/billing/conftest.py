"""Billing fixtures: a priced catalogue and a ticket of a company that sees prices."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from deskline.billing.models import CatalogItem, ItemKind
from tests.billing.factories import CatalogItemFactory, CompanyBillingFactory, PriceFactory
from tests.factories import ContactFactory, ContactUserFactory, ContractFactory


@pytest.fixture
def hour(db: None) -> CatalogItem:
    item = CatalogItemFactory(code="ENG-H", name="Engineer hour", name_ru="Час инженера")
    PriceFactory(item=item, amount=Decimal("1200.00"))
    return item


@pytest.fixture
def part(db: None) -> CatalogItem:
    item = CatalogItemFactory(kind=ItemKind.MATERIAL, code="FN-1", name="Fiscal drive",
                              name_ru="Фискальный накопитель", unit="pcs")  # fmt: skip
    PriceFactory(item=item, amount=Decimal("9000.00"))
    return item


@pytest.fixture
def billed(db: None, admin: Any, make_ticket: Any) -> dict[str, Any]:
    """Company A (sees prices) with a contract, a contact with a portal login and a ticket."""
    contract = ContractFactory()
    company = contract.company
    CompanyBillingFactory(company=company, sees_prices=True)
    contact = ContactFactory(company=company, sees_company_tickets=True)
    portal = ContactUserFactory(username="client@a.example", contact=contact)
    ticket = make_ticket(contact_id=contact.pk, contract_id=contract.pk)
    return {"company": company, "contract": contract, "contact": contact, "portal": portal,
            "ticket": ticket}  # fmt: skip
