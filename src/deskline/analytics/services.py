"""Writes of the analytics app: keep the daily aggregates, the per-ticket duration rows and
their rollups (per agent, per minute bucket) current, and rebuild them."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Count

from deskline.accounts.models import Role
from deskline.analytics.counter_upsert import add_counters
from deskline.analytics.durations import (
    DURATION_FIELDS,
    bucket_key_split,
    duration_bucket_counts,
    duration_dimensions,
    duration_facts,
)
from deskline.analytics.facts import (
    FACT_FIELDS,
    Contribution,
    agent_key_split,
    fact_agent_rollup,
    fact_contribution,
    fact_delta,
    fact_merge,
    fact_rollup,
    key_split,
    rollup_key_split,
)
from deskline.analytics.models import (
    AGENT_DIMENSIONS,
    DIMENSIONS,
    ROLLUP_DIMENSIONS,
    DailyAgentStats,
    DailyDurationBuckets,
    DailyTeamStats,
    DailyTicketStats,
    TicketDuration,
    TicketFact,
)
from deskline.sla.clock import WorkCalendar
from deskline.sla.resolve import work_calendar_by_id
from deskline.tickets.models import OPEN_PHASES, Comment, Ticket, TicketEvent

REBUILD_CHUNK = 5000
#: A rebuild adds its partial sums to the daily rows once it holds this many keys.
REBUILD_FLUSH_KEYS = 50_000
#: The ticket values a refresh reads: the daily rows' and the duration row's.
_REFRESH_FIELDS = tuple(dict.fromkeys((*FACT_FIELDS, *DURATION_FIELDS)))
#: What the business minutes of a duration row depend on (unchanged: no clock arithmetic).
_DURATION_TIMES = ("created_at", "reacted_at", "resolved_at", "calendar_id")
REOPENED_FROM = ("resolved", "closed")


def quality_counts(ticket_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per ticket: how many times it was reopened (a status change out of resolved or closed
    back into work) and how many public replies staff gave (2 queries for any number)."""
    out: dict[int, dict[str, int]] = {i: {"reopens": 0, "agent_replies": 0} for i in ticket_ids}
    reopens = (
        TicketEvent.objects.filter(
            ticket_id__in=ticket_ids, kind="status_changed",
            changes__phase__0__in=REOPENED_FROM, changes__phase__1__in=list(OPEN_PHASES),
        )
        .order_by()
        .values("ticket_id")
        .annotate(n=Count("pk"))
    )  # fmt: skip
    for row in reopens:
        out[row["ticket_id"]]["reopens"] = row["n"]
    replies = (
        Comment.objects.filter(ticket_id__in=ticket_ids, is_public=True, author__isnull=False)
        .exclude(author__role=Role.CONTACT)
        .exclude(author__is_system=True)
        .order_by()
        .values("ticket_id")
        .annotate(n=Count("pk"))
    )
    for row in replies:
        out[row["ticket_id"]]["agent_replies"] = row["n"]
    return out


def stats_ticket_refresh(*, ticket_id: int) -> None:
    """Replace the ticket's contribution to the daily rows, and its duration row, by its
    current ones."""
    with transaction.atomic():
        fact = TicketFact.objects.select_for_update().filter(ticket_id=ticket_id).first()
        row = Ticket.objects.filter(pk=ticket_id).values(*_REFRESH_FIELDS).first()
        if row is not None and row["resolved_at"] is not None:
            row |= quality_counts([ticket_id])[ticket_id]
        new: Contribution = fact_contribution(row) if row else {}
        old: Contribution = fact.contribution if fact else {}
        _apply(fact_delta(old, new))
        if row is None:
            TicketFact.objects.filter(ticket_id=ticket_id).delete()
        elif fact is None:
            TicketFact.objects.create(ticket_id=ticket_id, contribution=new)
        elif new != old:
            fact.contribution = new
            fact.save(update_fields=["contribution"])
        _duration_refresh(ticket_id, row)


def _calendars(ids: set[Any]) -> Mapping[Hashable, WorkCalendar]:
    return {pk: work_calendar_by_id(pk) for pk in ids}


def _duration_refresh(ticket_id: int, row: dict[str, Any] | None) -> None:
    """Write the ticket's duration row if it changed (the clock runs only when a time did),
    and move its counts between the minute buckets."""
    current: dict[str, Any] | None = (
        TicketDuration.objects.filter(ticket_id=ticket_id).values().first()  # type: ignore[assignment]
    )
    fresh: dict[str, Any] | None = None
    if row is not None:
        times = {"created_at": row["created_at"], "reacted_at": row["reacted_at"],
                 "resolved_at": row["resolved_at"], "calendar_id": row["sla__calendar_id"]}  # fmt: skip
        if current is not None and all(current[k] == times[k] for k in _DURATION_TIMES):
            fresh = {**current, **duration_dimensions(row)}
        else:
            fresh = duration_facts([row], _calendars({row["sla__calendar_id"]}))[0]
    _add_buckets(
        fact_delta(
            duration_bucket_counts(current) if current else {},
            duration_bucket_counts(fresh) if fresh else {},
        )
    )
    if fresh is None:
        TicketDuration.objects.filter(ticket_id=ticket_id).delete()
    elif current is None:
        TicketDuration.objects.create(**fresh)
    elif changes := {k: v for k, v in fresh.items() if current[k] != v}:
        TicketDuration.objects.filter(ticket_id=ticket_id).update(**changes)


def _add_buckets(counts: Contribution) -> None:
    changed = {key: c for key, c in counts.items() if any(c.values())}
    add_counters(DailyDurationBuckets, ("measure", "day", "bucket"), changed, bucket_key_split,
                 ("tickets",))  # fmt: skip


def _apply(delta: Contribution) -> None:
    for model, key_fields, split, part in (
        (DailyTicketStats, ("day", *DIMENSIONS), key_split, delta),
        (DailyTeamStats, ("day", *ROLLUP_DIMENSIONS), rollup_key_split, fact_rollup(delta)),
        (DailyAgentStats, ("day", *AGENT_DIMENSIONS), agent_key_split, fact_agent_rollup(delta)),
    ):
        changed = {key: c for key, c in part.items() if any(c.values())}
        add_counters(model, key_fields, changed, split)


def stats_on_event(event: TicketEvent) -> None:
    """The `analytics.stats` reaction: every ticket event refreshes the ticket's contribution."""
    stats_ticket_refresh(ticket_id=event.ticket_id)


def stats_rebuild(*, progress: Callable[[int], None] | None = None) -> int:
    """Recompute every daily row and ticket fact from the tickets; the number of tickets."""
    totals: Contribution = {}
    buckets: Contribution = {}
    facts: list[TicketFact] = []
    count = 0
    with transaction.atomic():
        DailyTicketStats.objects.all().delete()
        DailyTeamStats.objects.all().delete()
        DailyAgentStats.objects.all().delete()
        TicketFact.objects.all().delete()
        TicketDuration.objects.all().delete()
        DailyDurationBuckets.objects.all().delete()
        calendars: dict[Hashable, WorkCalendar] = {}
        last = 0
        while True:
            rows = list(
                Ticket.objects.filter(pk__gt=last)
                .order_by("pk")
                .values(*_REFRESH_FIELDS)[:REBUILD_CHUNK]
            )
            if not rows:
                break
            for pk in {r["sla__calendar_id"] for r in rows} - calendars.keys():
                calendars[pk] = work_calendar_by_id(pk)
            durations = duration_facts(rows, calendars)
            TicketDuration.objects.bulk_create(
                [TicketDuration(**fact) for fact in durations], batch_size=REBUILD_CHUNK
            )
            for fact in durations:
                fact_merge(buckets, duration_bucket_counts(fact))
            quality = quality_counts([r["id"] for r in rows if r["resolved_at"] is not None])
            for row in rows:
                row |= quality.get(row["id"], {})
                part = fact_contribution(row)
                fact_merge(totals, part)
                facts.append(TicketFact(ticket_id=row["id"], contribution=part))
            TicketFact.objects.bulk_create(facts, batch_size=REBUILD_CHUNK)
            facts.clear()
            last = rows[-1]["id"]
            count += len(rows)
            if len(totals) >= REBUILD_FLUSH_KEYS:
                # Partial sums go to the rows now: memory stays flat however many tickets.
                _apply(totals)
                totals.clear()
            if len(buckets) >= REBUILD_FLUSH_KEYS:
                _add_buckets(buckets)
                buckets.clear()
            if progress:
                progress(len(rows))
        _apply(totals)
        _add_buckets(buckets)
    return count
