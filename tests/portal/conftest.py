"""Fixtures for the portal: two client companies, a contact with a login in each."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from deskline.accounts.models import User
from deskline.clients.models import Company
from deskline.tickets.models import Status, Ticket
from deskline.tickets.services import ticket_create
from tests.factories import CompanyFactory, ContactFactory, ContactUserFactory


@pytest.fixture
def company(db: None) -> Company:
    return CompanyFactory(name="Acme")


@pytest.fixture
def other_company(db: None) -> Company:
    return CompanyFactory(name="Globex")


def _contact_user(username: str, company: Company, **contact: Any) -> User:
    row = ContactFactory(
        company=company, name=username.title(), email=f"{username}@x.example", **contact
    )
    return ContactUserFactory(username=username, email=f"{username}@x.example", contact=row)


@pytest.fixture
def carl(company: Company) -> User:
    return _contact_user("carl", company)


@pytest.fixture
def colleague(company: Company) -> User:
    return _contact_user("cora", company)


@pytest.fixture
def boss(company: Company) -> User:
    return _contact_user("boss", company, sees_company_tickets=True)


@pytest.fixture
def stranger(other_company: Company) -> User:
    return _contact_user("gus", other_company)


@pytest.fixture
def carl_client(carl: User) -> Client:
    client = Client()
    client.force_login(carl)
    return client


@pytest.fixture
def carl_ticket(carl: User) -> Ticket:
    return ticket_create(actor=carl, title="Printer broken", description="No paper feed")


def status(code: str) -> Status:
    return Status.objects.get(code=code)
