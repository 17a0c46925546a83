"""Triage's marks on a page of tickets: the tone of each one's latest inbound message and the
open ticket it probably duplicates, read for the whole page in one query (lists show them as
badges, so the cost must not grow with the rows). Also the "angry" ticket condition (the latest
inbound message flagged angry), registered for the desk's "Angry clients" view and its count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import GreaterThanOrEqual

from deskline.core.prepared import PreparedQuery
from deskline.tickets.models import Ticket
from deskline.triage.models import MessageTone
from deskline.triage.thresholds import FLAG_AT


@dataclass(frozen=True)
class TicketMark:
    """What a list row shows: the latest tone (with its flags) and a probable duplicate."""

    tone: str | None = None
    angry: bool = False
    urgent: bool = False
    duplicate_of: int | None = None  # the ticket number

    @property
    def badge(self) -> str | None:
        """The one tone word a row shows: angry before urgent before negative or positive."""
        if self.angry:
            return "angry"
        if self.urgent:
            return "urgent"
        return self.tone if self.tone in ("negative", "positive") else None


def _latest_tone() -> QuerySet[MessageTone]:
    """The outer ticket's inbound messages, latest first (slice it to one)."""
    return MessageTone.objects.filter(ticket_id=OuterRef("pk")).order_by("-created_at", "-pk")


def angry_filter(now: dt.datetime) -> Q:
    """Tickets whose client's latest inbound message is flagged angry. A later calm message
    clears it, as it does the badge.

    Found from the angry messages (the partial index `triage_tone_angry`: few of all), each
    ticket's latest message then read through `triage_tone_ticket_idx`; without the first, the
    latest message of every open ticket would be read to find the few angry ones (a capped count
    per team of the view would cost a lookup per open ticket)."""
    flagged = MessageTone.objects.filter(angry__gte=FLAG_AT).order_by().values("ticket_id")
    latest = Subquery(_latest_tone().values("angry")[:1])
    return Q(pk__in=flagged) & Q(GreaterThanOrEqual(latest, FLAG_AT))


def _marks_query(*, ids: list[int]) -> QuerySet[Ticket, tuple[Any, ...]]:
    latest = _latest_tone()
    return (
        Ticket.objects.filter(pk__in=ids)
        .annotate(
            tone_name=Subquery(latest.values("tone")[:1]),
            tone_angry=Subquery(latest.values("angry")[:1]),
            tone_urgent=Subquery(latest.values("urgent")[:1]),
            duplicate_of=F("duplicate_flag__of_ticket__number"),
        )
        .values_list("pk", "tone_name", "tone_angry", "tone_urgent", "duplicate_of")
    )


_MARKS: PreparedQuery[tuple[Any, ...]] = PreparedQuery(_marks_query, plan_once=True)


def ticket_marks(ticket_ids: Iterable[int]) -> dict[int, TicketMark]:
    """{ticket id: mark} for the tickets that have a tone or a probable duplicate (one
    statement, compiled once per process and page size: `core.prepared`)."""
    rows = _MARKS.all(ids=list(dict.fromkeys(ticket_ids)))
    return {
        pk: TicketMark(
            tone=tone,
            angry=(angry or 0.0) >= FLAG_AT,
            urgent=(urgent or 0.0) >= FLAG_AT,
            duplicate_of=duplicate_of,
        )
        for pk, tone, angry, urgent, duplicate_of in rows
        if tone is not None or duplicate_of is not None
    }
