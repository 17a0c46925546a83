"""The sentence that names a staffing gap: "add 2 agents to team 1st line between 14:00 and
18:00" (pure). Analytics computes the gap; the SLA's breach-risk warnings carry it; the desk's
history and the notifications word it for each reader, so the words live here, below all three.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import translation
from django.utils.translation import ngettext


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
