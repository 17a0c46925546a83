"""Pure report arithmetic: rates, averages, quantiles, backlog lines (no ORM)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


def rate(part: int, whole: int) -> float | None:
    """part / whole as a percentage rounded to 0.1, None when there is nothing to measure."""
    return round(100.0 * part / whole, 1) if whole else None


def average(total: int, count: int) -> float | None:
    return round(total / count, 1) if count else None


def quantile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolation quantile of sorted values (as numpy's default), None if empty."""
    if not values:
        return None
    position = (len(values) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    value = values[low] + (values[high] - values[low]) * (position - low)
    return round(value, 1)


def sla_figures(row: dict[str, Any]) -> dict[str, Any]:
    """% met for reaction and resolution, averages and CSAT of one counter row."""
    return {
        "reaction_met_pct": rate(
            row["reaction_met"], row["reaction_met"] + row["reaction_breached"]
        ),
        "resolution_met_pct": rate(
            row["resolution_met"], row["resolution_met"] + row["resolution_breached"]
        ),
        "first_response_avg_minutes": average(
            row["first_response_minutes"], row["first_response_count"]
        ),
        "resolution_avg_minutes": average(row["resolution_minutes"], row["resolution_count"]),
        "csat_avg": round(row["rating_sum"] / row["rating_count"], 2)
        if row["rating_count"]
        else None,
        "reopen_pct": rate(row.get("reopened", 0), row["resolved"]),
        "first_contact_pct": rate(row.get("first_contact", 0), row["resolved"]),
    }


def backlog_line(series: Sequence[dict[str, Any]], *, start: int) -> list[int]:
    """Open tickets at the end of each period, starting from the backlog before the first."""
    out, open_now = [], start
    for row in series:
        open_now += row["created"] - row["resolved"]
        out.append(open_now)
    return out
