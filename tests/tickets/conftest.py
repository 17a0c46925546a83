"""Fixtures for ticket tests: a team with an agent, a client contact with a login."""

from __future__ import annotations

import pytest

from deskline.accounts.models import Role, Team, User
from deskline.clients.models import Contact
from deskline.tickets.models import Status
from tests.factories import ContactUserFactory, TeamFactory, UserFactory


@pytest.fixture
def team(agent: User) -> Team:
    return TeamFactory(name="First line", members=[agent])


@pytest.fixture
def client_user(db: None) -> User:
    return ContactUserFactory(username="client@acme.example", email="client@acme.example")


@pytest.fixture
def client_contact(client_user: User) -> Contact:
    return client_user.contact


@pytest.fixture
def contractor(db: None) -> User:
    return UserFactory(username="contractor", role=Role.CONTRACTOR)


def status(code: str) -> Status:
    return Status.objects.get(code=code)


from tests.channels.conftest import mailbox  # noqa: E402,F401 - fixture
from tests.routing.conftest import add_rule, agents, make_team, rule_set  # noqa: E402,F401
