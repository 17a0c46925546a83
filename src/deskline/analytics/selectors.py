"""Reads of the analytics app: report figures from the daily aggregates, with one filter set.

Every report reads the daily counters: `DailyTeamStats` (no agent nor company) unless the filter
or the breakdown names an agent (`DailyAgentStats` while no priority, type or channel is asked
for too) or a company (`DailyTicketStats`, the detail rows); `stats_direct_totals` computes the same totals straight
from the tickets (the aggregates must match it exactly; the tests compare the two).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet, Sum

from deskline.analytics.models import (
    COUNTERS,
    DailyAgentStats,
    DailyTeamStats,
    DailyTicketStats,
)
from deskline.clients.models import Company
from deskline.tickets.models import Ticket

Grain = Literal["day", "week", "month"]
BREAKDOWNS = {
    "team": "team_id",
    "agent": "agent_id",
    "company": "company_id",
    "priority": "priority_id",
    "type": "type_id",
    "channel": "channel",
}


@dataclass(frozen=True)
class StatsFilter:
    """Period (inclusive UTC days) and the optional dimensions of every report."""

    start: dt.date
    end: dt.date
    team: int | None = None
    agent: int | None = None
    company: int | None = None
    company_category: int | None = None
    type: int | None = None
    priority: int | None = None
    channel: str | None = None


def _dimension_q(f: StatsFilter) -> Q:
    """The filter over the daily tables (ids stored as columns, 0 for none)."""
    category = Company.objects.filter(category_id=f.company_category).values("pk")
    return _filter_q(f, agent="agent_id", company_category=Q(company_id__in=category))


DailyTable = type[DailyTeamStats] | type[DailyAgentStats] | type[DailyTicketStats]


def stats_table(f: StatsFilter, by: str = "") -> DailyTable:
    """The smallest daily table that has every dimension the filter and the breakdown name:
    day × team × priority × type × channel, else day × team × agent, else the detail rows."""
    if f.company is not None or f.company_category is not None or by == "company":
        return DailyTicketStats
    if f.agent is None and by != "agent":
        return DailyTeamStats
    if f.priority is None and f.type is None and not f.channel and by in ("", "agent", "team"):
        return DailyAgentStats
    return DailyTicketStats


def stats_rows(*, f: StatsFilter, by: str = "") -> QuerySet[Any]:
    """The daily rows of the filter, from the smallest table that has its dimensions."""
    return stats_table(f, by).objects.filter(_dimension_q(f), day__gte=f.start, day__lte=f.end)


def _sums() -> dict[str, Any]:
    return {name: Sum(name) for name in COUNTERS}


def _clean(values: dict[str, Any]) -> dict[str, int]:
    return {name: int(values.get(name) or 0) for name in COUNTERS}


def stats_totals(*, f: StatsFilter) -> dict[str, int]:
    """Each counter summed over the filter."""
    return _clean(stats_rows(f=f).aggregate(**_sums()))


def _bucket(day: dt.date, grain: Grain) -> dt.date:
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    return day


def stats_series(*, f: StatsFilter, grain: Grain = "day") -> list[dict[str, Any]]:
    """Counters per day, week (starting Monday) or month, oldest first (days summed in SQL,
    weeks and months bucketed here: at most a few hundred rows)."""
    buckets: dict[dt.date, dict[str, int]] = {}
    for row in stats_rows(f=f).values("day").annotate(**_sums()).order_by("day"):
        bucket = buckets.setdefault(_bucket(row["day"], grain), dict.fromkeys(COUNTERS, 0))
        for name, value in _clean(row).items():
            bucket[name] += value
    return [{"period": period, **counters} for period, counters in sorted(buckets.items())]


def stats_breakdown(*, f: StatsFilter, by: str) -> list[dict[str, Any]]:
    """Counters per value of one dimension (team, agent, company, priority, type, channel)."""
    column = BREAKDOWNS[by]
    rows = stats_rows(f=f, by=by).values(column).annotate(**_sums()).order_by(column)
    return [{"key": row[column], **_clean(row)} for row in rows]


def stats_backlog_before(*, f: StatsFilter) -> int:
    """Tickets created before the period and not resolved before it (for the backlog line)."""
    before = (
        stats_table(f)
        .objects.filter(_dimension_q(f), day__lt=f.start)
        .aggregate(created=Sum("created"), resolved=Sum("resolved"))
    )
    return int(before["created"] or 0) - int(before["resolved"] or 0)


def _ticket_q(f: StatsFilter) -> Q:
    """The same filter over the tickets themselves (what the aggregates must equal)."""
    return _filter_q(f, agent="assignee_id",
                     company_category=Q(company__category_id=f.company_category))  # fmt: skip


def _filter_q(f: StatsFilter, *, agent: str, company_category: Q) -> Q:
    q = Q()
    for name, column in (("team", "team_id"), ("agent", agent), ("company", "company_id"),
                         ("type", "type_id"), ("priority", "priority_id")):  # fmt: skip
        value = getattr(f, name)
        if value is not None:
            q &= Q(**{column: value})
    if f.channel:
        q &= Q(channel=f.channel)
    if f.company_category is not None:
        q &= company_category
    return q


def _within(field: str, f: StatsFilter) -> Q:
    start = dt.datetime.combine(f.start, dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _minutes(start: Any, end: Any) -> int:
    """Whole minutes from start to end (never negative), as the daily rows count them."""
    return max(0, int((end - start).total_seconds() // 60))


def stats_direct_totals(*, f: StatsFilter) -> dict[str, int]:
    """The same totals as `stats_totals`, counted over the tickets themselves (slow; checks)."""
    tickets = Ticket.objects.filter(_ticket_q(f))
    created = tickets.filter(_within("created_at", f)).count()
    reacted = tickets.filter(_within("reacted_at", f)).values_list("created_at", "reacted_at",
                                                                     "reaction_breached")  # fmt: skip
    unreacted = tickets.filter(reacted_at__isnull=True, reaction_breached=True)
    late_unreacted = unreacted.filter(
        Q(reaction_due__isnull=False) & _within("reaction_due", f)
        | Q(reaction_due__isnull=True) & _within("created_at", f)
    ).count()
    resolved = list(
        tickets.filter(_within("resolved_at", f)).values_list(
            "created_at", "resolved_at", "resolution_breached", "rating", "pk"
        )
    )
    from deskline.analytics.services import quality_counts

    quality = quality_counts([row[4] for row in resolved])
    out = dict.fromkeys(COUNTERS, 0)
    out["created"] = created
    for created_at, reacted_at, late in reacted:
        out["reaction_breached" if late else "reaction_met"] += 1
        out["first_response_minutes"] += _minutes(created_at, reacted_at)
        out["first_response_count"] += 1
    out["reaction_breached"] += late_unreacted
    for created_at, resolved_at, late, rating, pk in resolved:
        out["resolved"] += 1
        reopens, replies = quality[pk]["reopens"], quality[pk]["agent_replies"]
        out["reopened"] += 1 if reopens else 0
        out["first_contact"] += 1 if not reopens and replies <= 1 else 0
        out["resolution_breached" if late else "resolution_met"] += 1
        out["resolution_minutes"] += _minutes(created_at, resolved_at)
        out["resolution_count"] += 1
        if rating is not None:
            out["rating_sum"] += rating
            out["rating_count"] += 1
    return out


def nps_series(*, f: StatsFilter, grain: Grain = "month") -> list[tuple[dt.date, int, list[int]]]:
    """(period, invitations sent, scores given) of the NPS survey, oldest first."""
    from deskline.feedback.models import NpsInvite

    rows = NpsInvite.objects.filter(sent_at__date__gte=f.start, sent_at__date__lte=f.end)
    if f.company is not None:
        rows = rows.filter(company_id=f.company)
    buckets: dict[dt.date, tuple[int, list[int]]] = {}
    for sent_at, score in rows.values_list("sent_at", "score").iterator():
        key = _bucket(sent_at.date(), grain)
        sent, scores = buckets.get(key, (0, []))
        if score is not None:
            scores.append(score)
        buckets[key] = (sent + 1, scores)
    return [(period, sent, scores) for period, (sent, scores) in sorted(buckets.items())]


BREACHES_SHOWN = 200


def breached_tickets(*, f: StatsFilter) -> list[dict[str, Any]]:
    """The tickets whose reaction or resolution deadline fell in the period and was breached,
    newest first (at most 200), each with its time per status and its handovers (2 queries)."""
    from deskline.analytics.breaches import (
        StatusStep,
        describe,
        first_status_of,
        handovers,
        status_seconds,
    )
    from deskline.tickets import config_cache
    from deskline.tickets.models import Status, Ticket, TicketEvent

    start = dt.datetime.combine(f.start, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    rows = Ticket.objects.filter(
        Q(resolution_breached=True, resolution_due__gte=start, resolution_due__lt=end)
        | Q(reaction_breached=True, reaction_due__gte=start, reaction_due__lt=end)
    ).filter(_ticket_q(f))
    tickets = list(
        rows.select_related("team", "status").order_by("-resolution_due", "-pk")[:BREACHES_SHOWN]
    )
    events: dict[int, list[TicketEvent]] = {}
    for event in TicketEvent.objects.filter(
        ticket_id__in=[t.pk for t in tickets], kind__in=("status_changed", "assigned")
    ).order_by("created_at", "pk"):
        events.setdefault(event.ticket_id, []).append(event)
    names = {s.code: s.name for s in config_cache.rows_by_id(Status).values()}
    now = dt.datetime.now(dt.UTC)
    out = []
    for ticket in tickets:
        history = events.get(ticket.pk, [])
        steps = [
            StatusStep(e.created_at, *e.changes["status"])
            for e in history
            if e.kind == "status_changed" and len(e.changes.get("status") or ()) == 2
        ]
        moves = [
            tuple(e.changes[field])
            for e in history
            if e.kind == "assigned"
            for field in ("assignee_id", "team_id")
            if len(e.changes.get(field) or ()) == 2
        ]
        due = ticket.resolution_due if ticket.resolution_breached else ticket.reaction_due
        done = ticket.resolved_at or now
        seconds = status_seconds(
            created_at=ticket.created_at,
            first_status=first_status_of(steps, ticket.status.code),
            steps=steps,
            end=done,
        )
        out.append({
            "number": ticket.number, "title": ticket.title,
            "team": ticket.team.name if ticket.team else "",
            "breached": "resolution" if ticket.resolution_breached else "reaction",
            "due": due.isoformat(timespec="minutes") if due else "",
            "late_hours": round((done - due).total_seconds() / 3600, 1) if due else None,
            "handovers": handovers(moves), "time_in_statuses": describe(seconds, names),
        })  # fmt: skip
    return out


ANSWERS_SHOWN = 500
#: A team's stress figures show only when at least this many people marked in the period.
STRESS_MIN_PEOPLE = 3


def survey_answers(*, f: StatsFilter) -> list[dict[str, Any]]:
    """Answered satisfaction surveys of the period, lowest scores first, with their comments and
    whether a poor score was called back (the quality review's list of escalations)."""
    from deskline.feedback.models import SurveyInvite

    start = dt.datetime.combine(f.start, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    rows = (
        SurveyInvite.objects.filter(answered_at__gte=start, answered_at__lt=end)
        .filter(_prefixed(_ticket_q(f), "ticket__"))
        .select_related("ticket", "ticket__company", "contact", "callback")
        .order_by("score", "-answered_at", "-pk")[:ANSWERS_SHOWN]
    )
    out = []
    for invite in rows:
        callback = getattr(invite, "callback", None)
        state = "" if callback is None else ("done" if callback.done_at else "to call back")
        out.append({
            "number": invite.ticket.number, "title": invite.ticket.title,
            "company": invite.ticket.company.name if invite.ticket.company else "",
            "contact": invite.contact.name if invite.contact else "",
            "score": invite.score, "comment": invite.comment,
            "answered": invite.answered_at.date().isoformat() if invite.answered_at else "",
            "call_back": state,
        })  # fmt: skip
    return out


def _prefixed(q: Q, prefix: str) -> Q:
    """The same condition over a related ticket (`company_id` -> `ticket__company_id`)."""
    clone = Q()
    clone.connector, clone.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            clone.children.append(_prefixed(child, prefix))
        else:
            key, value = child  # type: ignore[misc]  # a leaf is a (lookup, value) pair
            clone.children.append((f"{prefix}{key}", value))
    return clone


def stress_by_team(*, f: StatsFilter, grain: Grain = "week") -> list[dict[str, Any]]:
    """Stress marks per team and period: how many of each level and the share of "high"; a team
    with fewer than 3 people marking in the period is left out, so nobody is singled out."""
    from deskline.accounts.models import Team, TeamMembership
    from deskline.feedback.models import StressMark

    start = dt.datetime.combine(f.start, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    teams_of: dict[int, list[int]] = {}
    memberships = TeamMembership.objects.all()
    if f.team is not None:
        memberships = memberships.filter(team_id=f.team)
    for user_id, team_id in memberships.values_list("user_id", "team_id"):
        teams_of.setdefault(user_id, []).append(team_id)
    buckets: dict[tuple[int, dt.date], dict[str, Any]] = {}
    marks = StressMark.objects.filter(created_at__gte=start, created_at__lt=end,
                                      user_id__in=list(teams_of))  # fmt: skip
    for user_id, level, at in marks.values_list("user_id", "level", "created_at").iterator():
        for team_id in teams_of.get(user_id, []):
            key = (team_id, _bucket(at.date(), grain))
            bucket = buckets.setdefault(key, {"low": 0, "medium": 0, "high": 0, "people": set()})
            bucket[level] += 1
            bucket["people"].add(user_id)
    names = dict(Team.objects.filter(pk__in={t for t, _p in buckets}).values_list("pk", "name"))
    out = []
    for (team_id, period), b in sorted(buckets.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if len(b["people"]) < STRESS_MIN_PEOPLE:
            continue
        total = b["low"] + b["medium"] + b["high"]
        out.append({
            "period": period.isoformat(), "team": names.get(team_id, ""), "low": b["low"],
            "medium": b["medium"], "high": b["high"],
            "high_pct": round(100.0 * b["high"] / total, 1) if total else None,
        })  # fmt: skip
    return out


def time_spent(*, f: StatsFilter) -> list[dict[str, Any]]:
    """Minutes logged per person in the period (by when the work started), with the billable
    share and the number of tickets, over tickets matching the filters."""
    from dataclasses import replace

    from django.db.models import Count, Sum

    from deskline.fieldwork.models import TimeEntry

    start = dt.datetime.combine(f.start, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    rows = TimeEntry.objects.filter(minutes__isnull=False, started_at__gte=start,
                                    started_at__lt=end)  # fmt: skip
    rows = rows.filter(_prefixed(_ticket_q(replace(f, agent=None)), "ticket__"))
    if f.agent is not None:
        rows = rows.filter(user_id=f.agent)
    totals = (
        rows.order_by()
        .values("user_id", "user__username", "user__first_name", "user__last_name")
        .annotate(
            total=Sum("minutes"),
            billable=Sum("minutes", filter=Q(billable=True)),
            tickets=Count("ticket_id", distinct=True),
        )  # fmt: skip
        .order_by("-total")
    )
    return [{
        "agent": f"{r['user__first_name']} {r['user__last_name']}".strip() or r["user__username"],
        "minutes": r["total"], "hours": round(r["total"] / 60, 1),
        "billable_hours": round((r["billable"] or 0) / 60, 1), "tickets": r["tickets"],
    } for r in totals]  # fmt: skip


def deflections_by_source(*, f: StatsFilter) -> list[tuple[str, int]]:
    """Questions self-service answered without a ticket in the period, per source (portal form,
    bot); by the asker's company when the filter names one. Filters on the ticket side (team,
    agent, type, priority, channel) do not apply to a question that never became a ticket."""
    from deskline.knowledge.article_models import Deflection

    start = dt.datetime.combine(f.start, dt.time(0), dt.UTC)
    end = dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time(0), dt.UTC)
    rows = Deflection.objects.filter(created_at__gte=start, created_at__lt=end)
    if f.company is not None:
        rows = rows.filter(user__contact__company_id=f.company)
    counted = rows.values("source").annotate(n=Count("id")).order_by("source")
    return [(r["source"], r["n"]) for r in counted]
