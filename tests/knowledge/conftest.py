"""Fixtures for the knowledge app: an agent in a team and another agent outside it."""

from __future__ import annotations

import pytest

from deskline.accounts.models import Role, Team, User
from tests.factories import TeamFactory, UserFactory


@pytest.fixture
def team(agent: User) -> Team:
    return TeamFactory(name="First line", members=[agent])


@pytest.fixture
def other_agent(db: None) -> User:
    return UserFactory(username="other", role=Role.AGENT)
