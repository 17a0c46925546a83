"""Agents needed per hour from forecast arrivals (Erlang C) against the agents scheduled: the
under- and over-staffed hours, and the sentence a breach-risk warning carries (translated, in
the reader's time zone). No ORM."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import translation
from django.utils.translation import ngettext

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


def staffing_advice(
    *, team: str, span: tuple[dt.datetime, dt.datetime, int], tz: dt.tzinfo | None = None
) -> str:
    """ "add 2 agents to team 1st line between 14:00 and 18:00", in the active language, the
    times in `tz` (as given when None)."""
    start, end, missing = span
    if tz is not None:
        start, end = start.astimezone(tz), end.astimezone(tz)
    text = ngettext(
        "add %(n)d agent to team %(team)s between %(start)s and %(end)s",
        "add %(n)d agents to team %(team)s between %(start)s and %(end)s",
        missing,
    )
    return text % {"n": missing, "team": team, "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}


def staffing_note(
    *,
    team: str,
    start: dt.datetime | None,
    end: dt.datetime | None,
    missing: int,
    language: str,
    time_zone: str,
) -> str:
    """The staffing gap a breach-risk warning carries, for one reader: "add 2 agents to team
    1st line between 14:00 and 18:00" in their language and time zone; "" without a gap."""
    if not (missing > 0 and start and end):
        return ""
    try:
        zone: dt.tzinfo = ZoneInfo(time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    with translation.override(language or "en"):
        return staffing_advice(team=team, span=(start, end, missing), tz=zone)
