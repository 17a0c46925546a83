"""Staffing per hour from arrivals with Erlang C, and the understaffed spans."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from deskline.analytics.staffing import staffing_plan, understaffed_spans
from deskline.core.staffing_advice import staffing_advice, staffing_note

DAY = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)


def test_busy_afternoon_hours_are_understaffed():
    hours = [DAY + dt.timedelta(hours=h) for h in range(12, 19)]
    arrivals = [20, 20, 200, 200, 200, 200, 20]
    plan = staffing_plan(hours=hours, arrivals=arrivals, scheduled=[12] * 7,
                         handle_seconds=180, target_seconds=20, service_level=0.8)  # fmt: skip
    assert [h.needed for h in plan][2] == 14  # the Call Centre Helper example: 10 Erlangs
    assert plan[0].gap < 0  # over-staffed at noon
    spans = understaffed_spans(plan)
    assert spans == [(DAY.replace(hour=14), DAY.replace(hour=18), 2)]
    with translation.override("en"):
        assert staffing_advice(team="1st line", span=spans[0]) == (
            "add 2 agents to team 1st line between 14:00 and 18:00"
        )


def test_no_arrivals_need_nobody():
    plan = staffing_plan(hours=[DAY], arrivals=[0], scheduled=[1], handle_seconds=600,
                         target_seconds=60, service_level=0.8)  # fmt: skip
    assert plan[0].needed == 0 and understaffed_spans(plan) == []


def test_the_staffing_note_speaks_the_readers_language_and_time_zone():
    span = {"start": DAY.replace(hour=11), "end": DAY.replace(hour=15), "missing": 2}
    assert staffing_note(team="Первая линия", **span, language="ru",
                         time_zone="Europe/Moscow") == (
        "добавьте в команду Первая линия ещё 2 чел. с 14:00 до 18:00"
    )  # fmt: skip
    assert staffing_note(team="1st line", **span | {"missing": 1}, language="en",
                         time_zone="Asia/Yekaterinburg") == (
        "add 1 agent to team 1st line between 16:00 and 20:00"
    )  # fmt: skip


def test_no_gap_no_staffing_note():
    assert staffing_note(team="1st line", start=None, end=None, missing=0, language="en",
                         time_zone="UTC") == ""  # fmt: skip
