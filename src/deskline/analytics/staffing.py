"""Agents needed per hour from forecast arrivals (Erlang C) against the agents scheduled: the
under- and over-staffed hours, and the sentence a breach-risk warning carries (translated, in
the reader's time zone). No ORM."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from deskline.analytics.erlang import agents_needed


@dataclass(frozen=True)
class StaffingHour:
    start: dt.datetime
    arrivals: float
    needed: int
    scheduled: int

    @property
    def gap(self) -> int:
        """Positive: agents missing; negative: agents to spare."""
        return self.needed - self.scheduled


def staffing_plan(
    *,
    hours: Sequence[dt.datetime],
    arrivals: Sequence[float],
    scheduled: Sequence[int],
    handle_seconds: float,
    target_seconds: float,
    service_level: float,
) -> list[StaffingHour]:
    """Per hour: Erlang C agents for the forecast arrivals next to the agents on shift."""
    plan = []
    for start, load, on_shift in zip(hours, arrivals, scheduled, strict=True):
        needed = 0
        if load > 0:
            needed = agents_needed(arrivals_per_hour=load, handle_seconds=handle_seconds,
                                   target_seconds=target_seconds,
                                   service_level=service_level).agents  # fmt: skip
        plan.append(StaffingHour(start, load, needed, on_shift))
    return plan


def understaffed_spans(plan: Sequence[StaffingHour]) -> list[tuple[dt.datetime, dt.datetime, int]]:
    """Consecutive hours short of agents: (start, end, most agents missing in the span)."""
    spans: list[tuple[dt.datetime, dt.datetime, int]] = []
    for hour in plan:
        end = hour.start + dt.timedelta(hours=1)
        if hour.gap <= 0:
            continue
        if spans and spans[-1][1] == hour.start:
            start, _end, worst = spans[-1]
            spans[-1] = (start, end, max(worst, hour.gap))
        else:
            spans.append((hour.start, end, hour.gap))
    return spans
