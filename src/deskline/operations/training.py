"""Training mode: in a sandbox, what a trainee did on practice tickets scores points.

Practice tickets are the ones created in the sandbox after it was made (`DESKLINE_SANDBOX_SINCE`,
written by `deskline sandbox create`). Points per ticket, for the agent who did it:
- 2 for the first public reply when it came within the reaction deadline,
- 1 for sending the ticket to the team the routing rules choose for it (correct routing),
- 2 for resolving it within the resolution deadline (1 if late).
The leaderboard (`/training/`) sums them per person; it exists only in a sandbox.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from deskline.accounts.models import User
from deskline.routing import matching, selectors
from deskline.tickets.facts import ticket_facts
from deskline.tickets.models import Comment, Ticket, TicketEvent

FIRST_REPLY_IN_TIME, RIGHT_TEAM, RESOLVED_IN_TIME, RESOLVED_LATE = 2, 1, 2, 1


@dataclass
class Score:
    user_id: int
    name: str
    points: int = 0
    details: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def practice_since() -> dt.datetime:
    raw = getattr(settings, "DESKLINE_SANDBOX_SINCE", "")
    try:
        return dt.datetime.fromisoformat(raw) if raw else timezone.now() - dt.timedelta(days=30)
    except ValueError:
        return timezone.now() - dt.timedelta(days=30)


def _add(scores: dict[int, Score], users: dict[int, User], user_id: int | None, what: str,
         points: int) -> None:  # fmt: skip
    if user_id is None or user_id not in users:
        return
    user = users[user_id]
    score = scores.setdefault(user_id, Score(user_id, user.get_full_name() or user.username))
    score.points += points
    score.details[what] += 1


def leaderboard() -> list[Score]:
    tickets = list(
        Ticket.objects.filter(created_at__gte=practice_since())
        .select_related("company__category", "site", "equipment__kind", "category", "team",
                        "type", "priority", "status")
    )  # fmt: skip
    ids = [t.pk for t in tickets]
    users = {u.pk: u for u in User.objects.filter(is_system=False).exclude(role="contact")}
    scores: dict[int, Score] = {}
    first_replies: dict[int, Comment] = {}
    for comment in Comment.objects.filter(ticket_id__in=ids, is_public=True, author__isnull=False
                                          ).exclude(author__role="contact").order_by("created_at"):  # fmt: skip
        first_replies.setdefault(comment.ticket_id, comment)
    assigners = dict(
        TicketEvent.objects.filter(ticket_id__in=ids, kind="assigned").order_by("created_at")
        .values_list("ticket_id", "actor_id")
    )  # fmt: skip
    resolvers = dict(
        TicketEvent.objects.filter(ticket_id__in=ids, kind="status_changed",
                                   changes__phase__1="resolved").order_by("created_at")
        .values_list("ticket_id", "actor_id")
    )  # fmt: skip
    rules = selectors.active_rule_sets()
    for ticket in tickets:
        reply = first_replies.get(ticket.pk)
        if reply is not None and (
            ticket.reaction_due is None or reply.created_at <= ticket.reaction_due
        ):
            _add(scores, users, reply.author_id, "first reply in time", FIRST_REPLY_IN_TIME)
        chosen = _routed_team(ticket, rules)
        if ticket.pk in assigners and chosen is not None and ticket.team_id == chosen:
            _add(scores, users, assigners[ticket.pk], "right team", RIGHT_TEAM)
        if ticket.resolved_at is not None and ticket.pk in resolvers:
            late = ticket.resolution_due is not None and ticket.resolved_at > ticket.resolution_due
            _add(scores, users, resolvers[ticket.pk], "resolved late" if late else "resolved in time",
                 RESOLVED_LATE if late else RESOLVED_IN_TIME)  # fmt: skip
    return sorted(scores.values(), key=lambda s: (-s.points, s.name))


def _routed_team(ticket: Ticket, rules: Any) -> int | None:
    facts = ticket_facts(ticket, now=ticket.created_at)
    facts.update(team=None, team_line=None, assignee=None)
    team = matching.decide(rules, facts).values.get("team_id")
    return int(team) if team is not None else None
