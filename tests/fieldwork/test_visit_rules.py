"""The pure rules of field service: distances, the conflicts of a proposed visit, and the day
plan suggestion against the nearest-next baseline."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from deskline.fieldwork.conflicts import Slot, WorkingHours, shifts, visit_conflicts
from deskline.fieldwork.geo import Point, distance_m, point_or_none, travel_minutes
from deskline.fieldwork.routeplan import Engineer, Job, greedy_plan, suggest_plan

MOSCOW, PETERSBURG = Point(55.7558, 37.6173), Point(59.9343, 30.3351)
UTC = dt.UTC


def at(hour: int, minute: int = 0, day: int = 7) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=UTC)  # 7 December 2026: a Monday


def test_moscow_to_petersburg_is_about_634_km_and_16_hours_at_40() -> None:
    assert 630_000 < distance_m(MOSCOW, PETERSBURG) < 638_000
    assert travel_minutes(MOSCOW, PETERSBURG, speed_kmh=40) in range(945, 960)
    assert distance_m(MOSCOW, MOSCOW) == 0


def test_a_point_needs_both_coordinates_in_range() -> None:
    assert point_or_none("55.75", 37.61) == Point(55.75, 37.61)
    assert point_or_none(None, 37.61) is None
    assert point_or_none(95, 0) is None


HOURS = WorkingHours(dt.time(9), dt.time(18), frozenset(range(5)), "UTC")


def test_a_free_engineer_in_working_hours_has_no_conflict() -> None:
    found = visit_conflicts(Slot(at(10), at(11), MOSCOW), [], hours=HOURS, site_open=True,
                            speed_kmh=40)  # fmt: skip
    assert found == []


def test_an_overlapping_visit_is_a_conflict() -> None:
    other = Slot(at(10, 30), at(12), MOSCOW, "#5 Shop")
    (found,) = visit_conflicts(Slot(at(10), at(11), MOSCOW), [other], hours=HOURS,
                               site_open=None, speed_kmh=40)  # fmt: skip
    assert found.code == "overlap" and found.params["with"] == "#5 Shop"


def test_touching_visits_do_not_overlap() -> None:
    other = Slot(at(11), at(12), MOSCOW)
    assert visit_conflicts(Slot(at(10), at(11), MOSCOW), [other], hours=HOURS, site_open=None,
                           speed_kmh=40) == []  # fmt: skip


def test_outside_working_hours_or_on_a_weekend_is_a_conflict() -> None:
    evening = visit_conflicts(Slot(at(17), at(19), MOSCOW), [], hours=HOURS, site_open=None,
                              speed_kmh=40)  # fmt: skip
    saturday = visit_conflicts(Slot(at(10, day=12), at(11, day=12), MOSCOW), [], hours=HOURS,
                               site_open=None, speed_kmh=40)  # fmt: skip
    assert [c.code for c in evening] == ["off_hours"] == [c.code for c in saturday]


def test_working_hours_are_in_the_engineers_zone() -> None:
    moscow_hours = WorkingHours(dt.time(9), dt.time(18), frozenset(range(5)), "Europe/Moscow")
    # 07:00 UTC is 10:00 in Moscow; 16:00 UTC is 19:00 in Moscow.
    assert visit_conflicts(Slot(at(7), at(8)), [], hours=moscow_hours, site_open=None,
                           speed_kmh=40) == []  # fmt: skip
    late = visit_conflicts(Slot(at(16), at(17)), [], hours=moscow_hours, site_open=None,
                           speed_kmh=40)  # fmt: skip
    assert [c.code for c in late] == ["off_hours"]
    assert len(shifts(moscow_hours, dt.date(2026, 12, 7), dt.date(2026, 12, 13))) == 5


def test_a_closed_site_is_a_conflict() -> None:
    found = visit_conflicts(Slot(at(10), at(11)), [], hours=None, site_open=False, speed_kmh=40)
    assert [c.code for c in found] == ["site_closed"]


def test_too_little_time_to_drive_from_the_previous_visit_is_a_conflict() -> None:
    before = Slot(at(9), at(10), MOSCOW, "#1 Moscow")
    found = visit_conflicts(Slot(at(11), at(12), PETERSBURG, "#2 Petersburg"), [before],
                            hours=None, site_open=None, speed_kmh=40)  # fmt: skip
    (travel,) = found
    assert travel.code == "travel" and travel.params["gap"] == 60
    assert int(str(travel.params["needed"])) > 900


def test_too_little_time_to_drive_on_to_the_next_visit_is_a_conflict() -> None:
    after = Slot(at(13), at(14), PETERSBURG, "#3 Petersburg")
    found = visit_conflicts(Slot(at(11), at(12), MOSCOW), [after], hours=None, site_open=None,
                            speed_kmh=40)  # fmt: skip
    assert [c.code for c in found] == ["travel"]


def test_a_visit_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="ends after"):
        visit_conflicts(Slot(at(11), at(11)), [], hours=None, site_open=None, speed_kmh=40)


def _city(seed: int, engineers: int, jobs: int) -> tuple[list[Engineer], list[Job]]:
    rnd = random.Random(seed)
    people = [Engineer(i, Point(55.75 + rnd.uniform(-0.15, 0.15), 37.6 + rnd.uniform(-0.25, 0.25)),
                       9 * 60, 18 * 60) for i in range(engineers)]  # fmt: skip
    work = [Job(1000 + i, Point(55.75 + rnd.uniform(-0.25, 0.25), 37.6 + rnd.uniform(-0.4, 0.4)),
                rnd.choice([30, 45, 60]), rnd.choice([None, 12 * 60, 15 * 60]))
            for i in range(jobs)]  # fmt: skip
    return people, work


def test_every_job_is_placed_once_or_reported_unassigned() -> None:
    people, work = _city(3, 4, 30)
    plan = suggest_plan(people, work, speed_kmh=30, time_limit_s=1)
    placed = [s.job for stops in plan.routes.values() for s in stops]
    assert len(placed) == len(set(placed))
    assert sorted(placed + plan.unassigned) == sorted(j.key for j in work)


def test_stops_are_in_time_order_within_the_engineers_day() -> None:
    people, work = _city(4, 3, 20)
    plan = suggest_plan(people, work, speed_kmh=30, time_limit_s=1)
    for stops in plan.routes.values():
        starts = [s.start for s in stops]
        assert starts == sorted(starts)
        assert all(9 * 60 <= s <= 18 * 60 for s in starts)


def test_the_suggestion_travels_no_more_than_nearest_next() -> None:
    people, work = _city(5, 5, 40)
    suggested = suggest_plan(people, work, speed_kmh=30, time_limit_s=2)
    greedy = greedy_plan(people, work, speed_kmh=30)
    assert len(suggested.unassigned) <= len(greedy.unassigned)
    assert len(suggested.late) <= len(greedy.late)
    if len(suggested.unassigned) == len(greedy.unassigned):
        assert suggested.distance_m <= greedy.distance_m


def test_a_job_that_fits_nobodys_day_is_left_out() -> None:
    engineer = Engineer(1, MOSCOW, 9 * 60, 10 * 60)
    far = Job(7, PETERSBURG, 30)
    near = Job(8, Point(55.76, 37.62), 30)
    plan = suggest_plan([engineer], [far, near], speed_kmh=40, time_limit_s=1)
    assert plan.unassigned == [7] and [s.job for s in plan.routes[1]] == [8]


def test_nothing_to_plan_gives_an_empty_plan() -> None:
    plan = suggest_plan([Engineer(1, MOSCOW, 540, 1080)], [], speed_kmh=40)
    assert plan.routes == {1: []} and plan.distance_m == 0
