"""What one ticket contributes to the daily aggregates, and the difference of two contributions.

Pure: works on a mapping of ticket values (as `Ticket.objects.values(*FACT_FIELDS)` gives).
Creation counts on the day created; the first response on the day of the response (or, when it
breached without one, on the day it fell due); resolution, its SLA and the rating on the day
resolved. Dimensions are the ticket's current team, assignee, company, priority, type, channel.
Days are UTC dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

FACT_FIELDS = (
    "id",
    "team_id",
    "assignee_id",
    "company_id",
    "priority_id",
    "type_id",
    "channel",
    "created_at",
    "reacted_at",
    "reaction_due",
    "reaction_breached",
    "resolved_at",
    "resolution_breached",
    "rating",
)

Contribution = dict[str, dict[str, int]]


def _day(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).date().isoformat()


def _minutes(start: dt.datetime, end: dt.datetime) -> int:
    return max(0, int((end - start).total_seconds() // 60))


def fact_key(day: str, row: Mapping[str, Any]) -> str:
    dims = (
        row["team_id"] or 0,
        row["assignee_id"] or 0,
        row["company_id"] or 0,
        row["priority_id"] or 0,
        row["type_id"] or 0,
        row["channel"] or "",
    )
    return "|".join([day, *(str(d) for d in dims)])


def key_split(key: str) -> dict[str, Any]:
    """The DailyTicketStats field values of a key."""
    day, team, agent, company, priority, type_, channel = key.split("|", 6)
    return {
        "day": dt.date.fromisoformat(day),
        "team_id": int(team),
        "agent_id": int(agent),
        "company_id": int(company),
        "priority_id": int(priority),
        "type_id": int(type_),
        "channel": channel,
    }


def fact_contribution(row: Mapping[str, Any]) -> Contribution:
    """The counters the ticket adds, per day key."""
    out: Contribution = {}

    def add(day: str, **counters: int) -> None:
        bucket = out.setdefault(fact_key(day, row), {})
        for name, value in counters.items():
            bucket[name] = bucket.get(name, 0) + value

    created = row["created_at"]
    add(_day(created), created=1)
    reacted, breached = row["reacted_at"], bool(row["reaction_breached"])
    if reacted is not None:
        add(
            _day(reacted),
            reaction_met=0 if breached else 1,
            reaction_breached=1 if breached else 0,
            first_response_minutes=_minutes(created, reacted),
            first_response_count=1,
        )
    elif breached:
        add(_day(row["reaction_due"] or created), reaction_breached=1)
    resolved = row["resolved_at"]
    if resolved is not None:
        late = bool(row["resolution_breached"])
        counters = {
            "resolved": 1,
            "resolution_met": 0 if late else 1,
            "resolution_breached": 1 if late else 0,
            "resolution_minutes": _minutes(created, resolved),
            "resolution_count": 1,
        }
        if row["rating"] is not None:
            counters.update(rating_sum=int(row["rating"]), rating_count=1)
        reopens, replies = int(row.get("reopens") or 0), int(row.get("agent_replies") or 0)
        counters["reopened"] = 1 if reopens else 0
        counters["first_contact"] = 1 if not reopens and replies <= 1 else 0
        add(_day(resolved), **counters)
    return out


def fact_delta(old: Contribution, new: Contribution) -> Contribution:
    """new − old per key and counter, without zero entries."""
    delta: Contribution = {}
    for key in old.keys() | new.keys():
        before, after = old.get(key, {}), new.get(key, {})
        changes = {
            name: after.get(name, 0) - before.get(name, 0)
            for name in before.keys() | after.keys()
            if after.get(name, 0) != before.get(name, 0)
        }
        if changes:
            delta[key] = changes
    return delta


def fact_merge(total: Contribution, part: Contribution) -> None:
    """Add `part` into `total` in place (for the rebuild)."""
    for key, counters in part.items():
        bucket = total.setdefault(key, {})
        for name, value in counters.items():
            bucket[name] = bucket.get(name, 0) + value


def fact_rollup(delta: Contribution) -> Contribution:
    """The same counters keyed without agent and company (for the rollup rows)."""
    out: Contribution = {}
    for key, counters in delta.items():
        day, team, _agent, _company, priority, type_, channel = key.split("|", 6)
        fact_merge(out, {"|".join([day, team, priority, type_, channel]): counters})
    return out


def rollup_key_split(key: str) -> dict[str, Any]:
    day, team, priority, type_, channel = key.split("|", 4)
    return {"day": dt.date.fromisoformat(day), "team_id": int(team),
            "priority_id": int(priority), "type_id": int(type_), "channel": channel}  # fmt: skip


def fact_agent_rollup(delta: Contribution) -> Contribution:
    """The same counters keyed by day, team and agent only (for `DailyAgentStats`)."""
    out: Contribution = {}
    for key, counters in delta.items():
        day, team, agent, _rest = key.split("|", 3)
        fact_merge(out, {"|".join([day, team, agent]): counters})
    return out


def agent_key_split(key: str) -> dict[str, Any]:
    day, team, agent = key.split("|")
    return {"day": dt.date.fromisoformat(day), "team_id": int(team), "agent_id": int(agent)}
