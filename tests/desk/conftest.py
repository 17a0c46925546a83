"""Fixtures for the desk pages: an agent in a team, a client company and a logged-in client."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from deskline.accounts.models import Team, User
from deskline.clients.models import Company, Contact
from deskline.tickets.models import Status
from tests.factories import CompanyFactory, ContactFactory, ContactUserFactory, TeamFactory


@pytest.fixture
def team(agent: User) -> Team:
    return TeamFactory(name="First line", members=[agent])


@pytest.fixture
def company(db: None) -> Company:
    return CompanyFactory(name="Acme")


@pytest.fixture
def contact(company: Company) -> Contact:
    return ContactFactory(company=company, name="Ann Client", email="ann@acme.example")


@pytest.fixture
def client_user(company: Company) -> User:
    contact = ContactFactory(company=company, name="Carl Client", email="carl@acme.example")
    return ContactUserFactory(username="carl", email="carl@acme.example", contact=contact)


@pytest.fixture
def agent_client(agent: User) -> Client:
    client = Client()
    client.force_login(agent)
    return client


@pytest.fixture
def admin_client_desk(admin: User) -> Client:
    client = Client()
    client.force_login(admin)
    return client


def status(code: str) -> Status:
    return Status.objects.get(code=code)


@pytest.fixture
def status_of() -> Callable[[str], Status]:
    return status


@pytest.fixture
def tickets(make_ticket: Callable[..., Any]) -> Callable[..., list[Any]]:
    def make(n: int, **fields: Any) -> list[Any]:
        return [make_ticket(title=f"Ticket {i}", **fields) for i in range(n)]

    return make


#: The view counts' staleness the clock tests set (DESKLINE_VIEW_COUNT_SECONDS).
STALENESS = 30


class Clock:
    """`timezone.now()` moved forward by hand, so a test crosses the window without sleeping."""

    def __init__(self) -> None:
        self.offset = dt.timedelta(0)
        self._real = timezone.now

    def __call__(self) -> dt.datetime:
        return self._real() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Clock:
    """The view counts kept for STALENESS seconds, and a clock the test moves by hand."""
    settings.DESKLINE_VIEW_COUNT_SECONDS = STALENESS
    moved = Clock()
    monkeypatch.setattr(timezone, "now", moved)
    return moved
