"""Deciders' warm hooks: a long-running process does their slow first-call work at start."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from deskline.tickets.deciders import remove_decider, ticket_decider, warm_deciders

pytestmark = pytest.mark.django_db  # the registered hooks (triage) read the active models


@pytest.fixture
def probe() -> Iterator[list[str]]:
    calls: list[str] = []
    ticket_decider("warm-probe", stage="predict", warm=lambda: calls.append("warmed"))(
        lambda ticket, facts: None
    )
    yield calls
    remove_decider("warm-probe")


def test_warm_deciders_runs_each_registered_warm_hook(probe: list[str]) -> None:
    warm_deciders()
    assert probe == ["warmed"]


def test_a_removed_decider_is_not_warmed(probe: list[str]) -> None:
    remove_decider("warm-probe")
    warm_deciders()
    assert probe == []
