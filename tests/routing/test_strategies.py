"""Assignment strategies (pure)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from deskline.routing.strategies import (
    Candidate,
    TicketNeeds,
    by_skill,
    by_zone,
    choose,
    great_circle_km,
    least_loaded,
    nearest,
    round_robin,
)
from deskline.tickets.facts import working_hours

MOSCOW, SPB, KAZAN = (55.7558, 37.6173), (59.9343, 30.3351), (55.7963, 49.1088)


def test_round_robin_cycles_in_user_id_order():
    team = [Candidate(3), Candidate(1), Candidate(2)]
    assert [round_robin(team, turn).user_id for turn in range(1, 7)] == [1, 2, 3, 1, 2, 3]


def test_round_robin_skips_away_and_full_agents():
    team = [Candidate(1), Candidate(2, away=True), Candidate(3, open_tickets=2, capacity=2)]
    assert {round_robin(team, turn).user_id for turn in range(1, 5)} == {1}


def test_round_robin_shares_turns_among_the_members_still_there():
    assert [round_robin([Candidate(1), Candidate(5)], turn).user_id for turn in (3, 4)] == [1, 5]


def test_nobody_available_leaves_the_ticket_in_the_queue():
    team = [Candidate(1, away=True), Candidate(2, open_tickets=1, capacity=1)]
    for strategy in ("round_robin", "least_loaded", "by_skill", "nearest", "zones"):
        assert choose(strategy, team, TicketNeeds()).user_id is None


def test_least_loaded_weighs_priority_and_respects_capacity():
    team = [
        Candidate(1, open_tickets=1, load=40.0),  # one critical ticket
        Candidate(2, open_tickets=2, load=20.0),  # two low ones
        Candidate(3, open_tickets=0, load=0.0, capacity=0),  # no capacity
    ]
    assert least_loaded(team).user_id == 2


def test_least_loaded_ties_break_by_count_then_id():
    team = [Candidate(4, open_tickets=1, load=10), Candidate(2, open_tickets=1, load=10)]
    assert least_loaded(team).user_id == 2


def test_by_skill_needs_every_required_skill():
    team = [
        Candidate(1, skills=frozenset({"kkt"})),
        Candidate(2, skills=frozenset({"kkt", "1c"}), load=30),
        Candidate(3, skills=frozenset({"kkt", "1c"}), load=10, away=True),
    ]
    assert by_skill(team, {"kkt", "1c"}).user_id == 2
    assert by_skill(team, {"kkt"}).user_id == 1
    assert by_skill(team, {"plumbing"}).user_id is None


def test_great_circle_distance_moscow_to_saint_petersburg():
    assert 630 < great_circle_km(MOSCOW, SPB) < 640
    assert great_circle_km(MOSCOW, MOSCOW) == 0


def test_nearest_picks_the_closest_and_breaks_ties_by_load():
    team = [
        Candidate(1, location=SPB),
        Candidate(2, location=KAZAN),
        Candidate(3, location=MOSCOW, load=20),
        Candidate(4, location=MOSCOW, load=10),
    ]
    assert nearest(team, MOSCOW).user_id == 4
    assert nearest(team, (59.9, 30.3)).user_id == 1


def test_nearest_without_coordinates_falls_back_to_least_loaded():
    team = [Candidate(1, load=5), Candidate(2, load=1)]
    assert nearest(team, MOSCOW).user_id == 2
    assert nearest([Candidate(1, location=SPB, load=5), Candidate(2, load=1)], None).user_id == 2


def test_zones_prefer_the_owner_then_fall_back():
    team = [Candidate(1), Candidate(2, zones=frozenset({"company:7"}), load=50)]
    assert by_zone(team, {"company:7", "site:3"}).user_id == 2
    assert by_zone(team, {"company:8"}).user_id == 1


def test_manual_never_assigns():
    assert choose("manual", [Candidate(1)], TicketNeeds()).user_id is None


def test_working_hours_default_schedule():
    assert working_hours(0, 9 * 60)
    assert not working_hours(0, 18 * 60)
    assert not working_hours(5, 12 * 60)


candidates = st.lists(
    st.builds(
        Candidate,
        user_id=st.integers(1, 30),
        open_tickets=st.integers(0, 5),
        load=st.floats(0, 200, allow_nan=False),
        capacity=st.one_of(st.none(), st.integers(0, 5)),
        away=st.booleans(),
    ),
    max_size=8,
    unique_by=lambda c: c.user_id,
)


@given(team=candidates)
def test_least_loaded_is_the_minimum_of_the_available(team):
    ready = [c for c in team if not c.away and (c.capacity is None or c.open_tickets < c.capacity)]
    chosen = least_loaded(team).user_id
    if not ready:
        assert chosen is None
    else:
        best = min((c.load, c.open_tickets, c.user_id) for c in ready)
        assert chosen == best[2]


@given(team=candidates, rounds=st.integers(1, 40), first=st.integers(1, 10**6))
def test_round_robin_spreads_evenly_over_available_members(team, rounds, first):
    ready = [c for c in team if c.available]
    counts: dict[int | None, int] = {}
    for turn in range(first, first + rounds):  # any run of consecutive turns
        chosen = round_robin(team, turn).user_id
        counts[chosen] = counts.get(chosen, 0) + 1
    if ready:
        assert set(counts) <= {c.user_id for c in ready}
        assert max(counts.values()) - min(counts.values()) <= 1
        assert len(counts) == min(rounds, len(ready))


points = st.tuples(st.floats(-89, 89), st.floats(-179, 179))


@given(a=points, b=points)
def test_distance_is_symmetric_and_bounded(a, b):
    d = great_circle_km(a, b)
    assert math.isclose(d, great_circle_km(b, a), abs_tol=1e-6)
    assert 0 <= d <= math.pi * 6371.0088 + 1e-6
