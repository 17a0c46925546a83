"""Erlang B/C/A against published worked examples and against each other (no database)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskline.analytics.erlang import (
    agents_needed,
    erlang_a_staffing,
    erlang_b,
    erlang_c,
    erlang_c_staffing,
)


def test_erlang_b_matches_the_published_table():
    """Erlang B tables (e.g. the traffic table in ITU-T E.501-style handbooks, reproduced on
    Wikipedia's "Erlang (unit)" page): 10 Erlangs on 10 lines block 21.46% of calls."""
    assert erlang_b(agents=10, traffic=10.0) == pytest.approx(0.21458, abs=1e-5)


def test_the_call_centre_helper_worked_example_with_eleven_agents():
    """Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example":
    100 calls in 30 minutes, AHT 180 s, target 20 s → 10 Erlangs; with 11 agents the probability
    of waiting is 68.21%, the service level 39.0% and the average speed of answer 122.8 s."""
    result = erlang_c_staffing(
        agents=11, arrivals_per_hour=200, handle_seconds=180, target_seconds=20
    )
    assert result.traffic_erlangs == pytest.approx(10.0)
    assert result.wait_probability == pytest.approx(0.6821, abs=1e-4)
    assert result.service_level == pytest.approx(0.390, abs=1e-3)
    assert result.average_wait_seconds == pytest.approx(122.8, abs=0.1)
    assert result.occupancy == pytest.approx(10 / 11)


def test_the_call_centre_helper_example_needs_fourteen_agents_for_80_in_20():
    """Same article: 13 agents reach 79.6%, short of 80%; 14 agents reach 88.8%."""
    assert erlang_c_staffing(
        agents=13, arrivals_per_hour=200, handle_seconds=180, target_seconds=20
    ).service_level == pytest.approx(0.796, abs=1e-3)
    result = agents_needed(
        arrivals_per_hour=200, handle_seconds=180, target_seconds=20, service_level=0.8
    )
    assert result.agents == 14
    assert result.service_level == pytest.approx(0.888, abs=1e-3)


def test_no_arrivals_need_no_wait_and_an_unstable_load_always_waits():
    assert erlang_c(agents=3, traffic=0.0) == 0.0
    assert erlang_c(agents=3, traffic=3.0) == 1.0


def test_erlang_a_with_endless_patience_is_erlang_c():
    """Palm's M/M/N+M tends to M/M/N as patience grows (Garnett, Mandelbaum & Reiman 2002)."""
    for agents in (11, 13):
        c = erlang_c_staffing(
            agents=agents, arrivals_per_hour=200, handle_seconds=180, target_seconds=20
        )
        a = erlang_a_staffing(
            agents=agents,
            arrivals_per_hour=200,
            handle_seconds=180,
            target_seconds=20,
            patience_seconds=1e8,
        )
        assert a.wait_probability == pytest.approx(c.wait_probability, abs=1e-4)
        assert a.service_level == pytest.approx(c.service_level, abs=1e-4)


def test_abandonment_means_fewer_agents_are_needed():
    c = agents_needed(
        arrivals_per_hour=200, handle_seconds=180, target_seconds=20, service_level=0.8
    )
    a = agents_needed(
        arrivals_per_hour=200,
        handle_seconds=180,
        target_seconds=20,
        service_level=0.8,
        patience_seconds=120,
    )
    assert a.agents < c.agents
    assert 0 < a.abandon_probability < 0.2


@settings(max_examples=40, deadline=None)
@given(
    arrivals=st.floats(min_value=1, max_value=500),
    handle=st.floats(min_value=30, max_value=1800),
    target=st.floats(min_value=0, max_value=600),
    level=st.floats(min_value=0.5, max_value=0.95),
)
def test_the_answer_is_the_smallest_number_meeting_the_target(arrivals, handle, target, level):
    result = agents_needed(
        arrivals_per_hour=arrivals, handle_seconds=handle, target_seconds=target,
        service_level=level,
    )  # fmt: skip
    assert result.service_level >= level
    fewer = erlang_c_staffing(
        agents=result.agents - 1, arrivals_per_hour=arrivals, handle_seconds=handle,
        target_seconds=target,
    )  # fmt: skip
    assert fewer.service_level < level
    assert 0 < result.occupancy < 1 and math.isfinite(result.average_wait_seconds)
