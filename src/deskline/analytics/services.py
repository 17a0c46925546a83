"""Writes of the analytics app: keep the daily aggregates current, and rebuild them."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import Count, F

from deskline.accounts.models import Role
from deskline.analytics.facts import (
    FACT_FIELDS,
    Contribution,
    fact_contribution,
    fact_delta,
    fact_merge,
    fact_rollup,
    key_split,
    rollup_key_split,
)
from deskline.analytics.models import DailyTeamStats, DailyTicketStats, TicketFact
from deskline.tickets.models import OPEN_PHASES, Comment, Ticket, TicketEvent

REBUILD_CHUNK = 5000
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
    """Replace the ticket's contribution to the daily rows by its current one."""
    with transaction.atomic():
        fact = TicketFact.objects.select_for_update().filter(ticket_id=ticket_id).first()
        row = Ticket.objects.filter(pk=ticket_id).values(*FACT_FIELDS).first()
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


def _apply(delta: Contribution) -> None:
    for model, split, part in (
        (DailyTicketStats, key_split, delta),
        (DailyTeamStats, rollup_key_split, fact_rollup(delta)),
    ):
        for key, changes in sorted(part.items()):
            changes = {k: v for k, v in changes.items() if v}
            if not changes:
                continue
            fields = split(key)
            updated = model.objects.filter(**fields).update(
                **{name: F(name) + value for name, value in changes.items()}
            )
            if not updated:
                model.objects.create(**fields, **changes)


def stats_on_event(event: TicketEvent) -> None:
    """The `analytics.stats` reaction: every ticket event refreshes the ticket's contribution."""
    stats_ticket_refresh(ticket_id=event.ticket_id)


def stats_rebuild(*, progress: Callable[[int], None] | None = None) -> int:
    """Recompute every daily row and ticket fact from the tickets; the number of tickets."""
    totals: Contribution = {}
    facts: list[TicketFact] = []
    count = 0
    with transaction.atomic():
        DailyTicketStats.objects.all().delete()
        DailyTeamStats.objects.all().delete()
        TicketFact.objects.all().delete()
        last = 0
        while True:
            rows = list(
                Ticket.objects.filter(pk__gt=last)
                .order_by("pk")
                .values(*FACT_FIELDS)[:REBUILD_CHUNK]
            )
            if not rows:
                break
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
            if progress:
                progress(len(rows))
        DailyTicketStats.objects.bulk_create(
            (DailyTicketStats(**key_split(k), **v) for k, v in totals.items()),
            batch_size=REBUILD_CHUNK,
        )
        DailyTeamStats.objects.bulk_create(
            (DailyTeamStats(**rollup_key_split(k), **v) for k, v in fact_rollup(totals).items()),
            batch_size=REBUILD_CHUNK,
        )
    return count
