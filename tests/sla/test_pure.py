"""Pure SLA modules: schedule parsing, calendar building, policy matching, deadlines, risk."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskline.sla.calendars import (
    CalendarSpec,
    ExceptionSpec,
    ScheduleError,
    build_calendar,
    format_day,
    parse_day,
)
from deskline.sla.calibration import calibrate
from deskline.sla.clock import is_working_time, working_minutes_between
from deskline.sla.deadlines import Override, active_minutes, deadline
from deskline.sla.matching import (
    RuleSpec,
    TicketFacts,
    choose_calendar,
    choose_policy,
    tones_of,
)
from deskline.sla.risk import RiskModel, Sample, breach_probability, load_factor, survival

MSK = ZoneInfo("Europe/Moscow")
WEEK = ("09:00-13:00, 14:00-18:00",) * 5 + ("", "")


def msk(month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=MSK)


def test_a_day_parses_into_sorted_merged_intervals() -> None:
    assert parse_day("14:00-18:00, 09:00-13:00") == ((540, 780), (840, 1080))


@pytest.mark.parametrize("text", ["9-", "09:00", "18:00-09:00", "25:00-26:00"])
def test_a_bad_day_is_refused(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_day(text)


@given(st.lists(st.tuples(st.integers(0, 1439), st.integers(1, 1440)), max_size=4))
def test_format_and_parse_round_trip(pairs: list[tuple[int, int]]) -> None:
    from deskline.sla.clock import normalize_schedule

    schedule = normalize_schedule((a, b) for a, b in pairs if a < b)
    assert parse_day(format_day(schedule)) == schedule


def test_country_holidays_are_days_off_and_exceptions_win() -> None:
    spec = CalendarSpec("Europe/Moscow", WEEK, country="RU", exceptions=(
        ExceptionSpec(dt.date(2026, 5, 11), "shortened_day", "10:00-12:00"),
    ))  # fmt: skip
    calendar = build_calendar(spec, [2026])
    assert not is_working_time(calendar, msk(5, 1, 10))  # Labour Day
    assert is_working_time(calendar, msk(5, 11, 11))  # the exception overrides the holiday
    assert not is_working_time(calendar, msk(5, 11, 13))


def test_a_24_7_calendar_ignores_holidays() -> None:
    calendar = build_calendar(CalendarSpec("UTC", WEEK, always=True, country="RU"), [2026])
    assert working_minutes_between(calendar, msk(1, 1), msk(1, 2)) == 1440


def test_the_lunch_break_is_not_working_time() -> None:
    calendar = build_calendar(CalendarSpec("Europe/Moscow", WEEK), [2026])
    assert working_minutes_between(calendar, msk(3, 16, 12), msk(3, 16, 15)) == 120


def test_rules_match_in_order_and_categories_match_ancestors() -> None:
    facts = TicketFacts(company_id=1, category_ids=(7, 3), priority_id=4)
    rules = [
        RuleSpec(id=1, policy_id=10, order=5, category_id=3),
        RuleSpec(id=2, policy_id=20, order=1, company_id=2),
    ]
    choice = choose_policy(facts, rules, contract_policy_id=30, default_policy_id=40)
    assert (choice.policy_id, choice.rule_id) == (10, 1)


def test_a_tone_rule_matches_the_latest_messages_label_or_raised_signal() -> None:
    angry_vip = RuleSpec(id=1, policy_id=10, order=1, tone="angry", company_category_id=5)
    negative = RuleSpec(id=2, policy_id=20, order=2, tone="negative")
    rules = [angry_vip, negative]

    def policy(tone_facts: dict[str, object], category: int | None = 5) -> int | None:
        facts = TicketFacts(company_category_id=category, tones=tones_of(tone_facts))
        return choose_policy(facts, rules, contract_policy_id=None, default_policy_id=40).policy_id

    angry = {"tone": "negative", "tone.angry": True, "tone.urgent": False}
    assert policy(angry) == 10
    assert policy(angry, category=None) == 20  # the angry rule is for VIPs only
    assert policy({"tone": "positive", "tone.angry": False}) == 40
    assert policy({}) == 40  # no tone: no tone rule matches


def test_without_a_rule_the_contract_policy_then_the_default_applies() -> None:
    facts = TicketFacts()
    assert choose_policy(facts, [], contract_policy_id=30, default_policy_id=40).policy_id == 30
    assert choose_policy(facts, [], contract_policy_id=None, default_policy_id=40).policy_id == 40


def test_the_calendar_falls_back_from_site_to_default() -> None:
    choice = choose_calendar(
        site_calendar_id=None,
        contract_calendar_id=None,
        policy_calendar_id=None,
        default_calendar_id=9,
    )
    assert (choice.calendar_id, choice.source) == (9, "default")


CAL = build_calendar(CalendarSpec("Europe/Moscow", WEEK), [2026])


@given(st.integers(0, 5000), st.integers(0, 3000))
def test_paused_minutes_extend_the_deadline_by_exactly_that_working_time(
    target: int, paused: int
) -> None:
    start = msk(3, 16, 10)
    due = deadline(CAL, start, target, paused)
    assert due is not None
    assert working_minutes_between(CAL, start, due) == target + paused


def test_an_override_moves_only_by_pauses_after_it() -> None:
    override = Override(msk(3, 20, 12), paused_minutes_then=30)
    assert deadline(CAL, msk(3, 16, 10), 60, 90, override) == msk(3, 20, 13)


def test_active_minutes_exclude_an_ongoing_pause() -> None:
    assert active_minutes(CAL, msk(3, 16, 10), msk(3, 16, 12), 0, msk(3, 16, 11)) == 60


def test_survival_is_smoothed_and_monotone() -> None:
    values = [10, 20, 30]
    assert survival(values, 0) == 4 / 5
    assert survival(values, 30) == 1 / 5


def test_no_time_left_is_a_certain_breach() -> None:
    assert breach_probability([10, 20], elapsed=5, remaining=0) == 1.0


def test_a_longer_queue_raises_the_risk() -> None:
    rng = random.Random(1)
    history = sorted(rng.randint(1, 1000) for _ in range(500))
    calm = breach_probability(history, 100, 400, load_factor(0, 5))
    busy = breach_probability(history, 100, 400, load_factor(20, 5))
    assert calm < busy


def test_the_model_falls_back_to_coarser_groups_when_samples_are_few() -> None:
    samples = [Sample(1, 2, 3, 100)] * 5 + [Sample(1, 2, None, 1000)] * 40
    model = RiskModel.fit(samples)
    assert model.history_for(1, 2, 3)[0] == 100  # the (type, priority) group has 45 samples


def test_the_risk_model_is_calibrated_on_synthetic_history() -> None:
    for bucket in calibrate(history=5000, trials=4000, seed=3):
        if bucket.count >= 200:
            assert abs(bucket.predicted - bucket.observed) < 0.08
