"""Fixtures for routing tests: agents in a team with a strategy, running queued event jobs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from deskline.accounts.models import Role, Team, User
from deskline.routing.models import AgentProfile, Rule, RuleSet, TeamRouting
from tests.factories import TeamFactory, UserFactory


@pytest.fixture
def agents(db: None) -> list[User]:
    return [UserFactory(username=f"agent{i}", role=Role.AGENT) for i in range(1, 4)]


@pytest.fixture
def make_team(agents: list[User]) -> Callable[..., Team]:
    def make(strategy: str = "round_robin", members: list[User] | None = None, **kw) -> Team:
        team = TeamFactory(members=agents if members is None else members, **kw)
        TeamRouting.objects.create(team=team, strategy=strategy)
        return team

    return make


@pytest.fixture
def rule_set(db: None) -> RuleSet:
    return RuleSet.objects.create(name="Main", mode="first_match")


@pytest.fixture
def add_rule(rule_set: RuleSet) -> Callable[..., Rule]:
    def add(conditions: list, actions: dict, name: str = "", order: int = 0) -> Rule:
        return Rule.objects.create(
            rule_set=rule_set,
            name=name or f"rule {order}",
            order=order,
            conditions=conditions,
            actions=actions,
        )

    return add


def set_profile(user: User, **fields) -> AgentProfile:
    profile, _ = AgentProfile.objects.update_or_create(user=user, defaults=fields)
    return profile


def leaf(field: str, op: str, value=None) -> dict:
    return {"field": field, "op": op, "value": value}
