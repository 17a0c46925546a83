"""The knowledge report: what to write next (searches nobody answered), which articles are read
and helpful, which ones led to tickets anyway, and the deflection rate of the portal form and of
the bot, per week. Read-only; for those who read reports (they see every company's figures)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from deskline.accounts.models import User
from deskline.core.permissions import require_report_reader
from deskline.knowledge.bot_models import Conversation
from deskline.knowledge.models import Article, ArticleFeedback, ArticleState, Deflection, SearchLog
from deskline.tickets.models import Channel, Ticket

TOP = 10


def _weeks(since: dt.datetime, weeks: int) -> list[dt.date]:
    first = since.date()
    return [first + dt.timedelta(weeks=n) for n in range(weeks)]


def _per_week(rows: Any) -> dict[dt.date, int]:
    counts = rows.annotate(week=TruncWeek("created_at")).values("week").annotate(n=Count("id"))
    return {row["week"].date(): row["n"] for row in counts}


def _rate(good: int, bad: int) -> float | None:
    return round(good / (good + bad), 3) if good + bad else None


def knowledge_report(
    *, user: User, weeks: int = 8, now: dt.datetime | None = None
) -> dict[str, Any]:
    require_report_reader(user)
    now = now or timezone.now()
    today = now.date()
    monday = today - dt.timedelta(days=today.weekday(), weeks=weeks - 1)
    since = dt.datetime.combine(monday, dt.time(), tzinfo=dt.UTC)
    no_result = list(
        SearchLog.objects.filter(results=0, created_at__gte=since)
        .values(text=F("query")).annotate(n=Count("id")).order_by("-n", "text")[:TOP]
    )  # fmt: skip
    viewed = list(
        Article.objects.filter(state=ArticleState.PUBLISHED, view_count__gt=0)
        .order_by("-view_count", "id").values("id", "title", "view_count")[:TOP]
    )  # fmt: skip
    helpful = list(
        ArticleFeedback.objects.filter(created_at__gte=since)
        .values("article_id", "article__title")
        .annotate(yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False)))
        .order_by("-yes", "no", "article_id")[:TOP]
    )  # fmt: skip
    tried = Conversation.tried.through.objects.filter(
        conversation__state=Conversation.State.HANDED_OVER, conversation__created_at__gte=since
    )
    led_to_tickets = list(
        tried.values("article_id", "article__title").annotate(n=Count("id")).order_by("-n")[:TOP]
    )
    form = _per_week(Deflection.objects.filter(source=Deflection.Source.PORTAL_FORM,
                                               created_at__gte=since))  # fmt: skip
    from_bot = Conversation.objects.filter(ticket__isnull=False).values("ticket_id")
    tickets = _per_week(
        Ticket.objects.filter(channel=Channel.PORTAL, created_at__gte=since).exclude(
            pk__in=from_bot
        )
    )
    conversations = Conversation.objects.filter(created_at__gte=since)
    solved = _per_week(conversations.filter(state=Conversation.State.SOLVED))
    handed = _per_week(conversations.filter(state=Conversation.State.HANDED_OVER))
    weekly = [
        {"week": week, "portal_deflected": form.get(week, 0), "portal_tickets": tickets.get(week, 0),
         "portal_rate": _rate(form.get(week, 0), tickets.get(week, 0)),
         "bot_solved": solved.get(week, 0), "bot_handed_over": handed.get(week, 0),
         "bot_rate": _rate(solved.get(week, 0), handed.get(week, 0))}
        for week in _weeks(since, weeks)
    ]  # fmt: skip
    return {"since": monday, "no_result": no_result, "most_viewed": viewed,
            "most_helpful": helpful, "led_to_tickets": led_to_tickets, "weekly": weekly}  # fmt: skip
