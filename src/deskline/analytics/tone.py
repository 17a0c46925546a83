"""The tone report's figures: per period, the tickets whose clients wrote in, and how many of
them wrote in a negative tone, angrily or urgently (triage scores every inbound message).

A ticket counts in a period when a message of its client was scored in that period; it counts as
negative (angry, urgent) when at least one of those messages was.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Trunc

from deskline.analytics.selectors import Grain, StatsFilter, _prefixed, _ticket_q
from deskline.triage.models import MessageTone
from deskline.triage.thresholds import FLAG_AT


def _share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _tickets(condition: Q) -> Count:
    return Count("ticket", distinct=True, filter=condition)


def tone_by_period(*, f: StatsFilter, grain: Grain = "week") -> list[dict[str, Any]]:
    """Per day, week (from Monday) or month of the filter, oldest first: tickets with a client
    message, those with a negative, angry or urgent one, the negative share, and the messages."""
    start = dt.datetime.combine(f.start, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    rows = (
        MessageTone.objects.filter(_prefixed(_ticket_q(f), "ticket__"),
                                   created_at__gte=start, created_at__lt=end)
        .annotate(period=Trunc("created_at", grain, tzinfo=dt.UTC))
        .values("period")
        .annotate(
            tickets=Count("ticket", distinct=True), negative=_tickets(Q(tone="negative")),
            angry=_tickets(Q(angry__gte=FLAG_AT)), urgent=_tickets(Q(urgent__gte=FLAG_AT)),
            messages=Count("pk"),
        )
        .order_by("period")
    )  # fmt: skip
    return [
        {
            "period": row["period"].date().isoformat(),
            "tickets": row["tickets"],
            "negative": row["negative"],
            "negative_pct": _share(row["negative"], row["tickets"]),
            "angry": row["angry"],
            "urgent": row["urgent"],
            "messages": row["messages"],
        }
        for row in rows
    ]
