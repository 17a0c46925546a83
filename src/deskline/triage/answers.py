"""Suggested answers: the public replies that resolved the tickets most like this one.

Candidates are the newest resolved or closed tickets the agent may see (at most
`CANDIDATES`); the most similar ones (`similarity.most_similar`, at least `ANSWERS_AT`) give
their last public reply by staff. An agent inserts one into the reply box with one click.
"""

from __future__ import annotations

from dataclasses import dataclass

from deskline.accounts.models import User
from deskline.core.errors import NotFound
from deskline.core.html import html_to_text
from deskline.core.permissions import require_staff
from deskline.tickets.access import ticket_get_visible, tickets_visible_to
from deskline.tickets.models import Comment, Phase, Ticket
from deskline.triage.selectors import ticket_text
from deskline.triage.similarity import most_similar

ANSWERS_AT = 0.2
CANDIDATES = 2000


@dataclass(frozen=True)
class Answer:
    number: int
    title: str
    similarity: float
    comment_id: int
    text: str


def _staff_replies(ticket_ids: list[int]) -> dict[int, Comment]:
    """The last public reply by staff of each ticket."""
    last: dict[int, Comment] = {}
    replies = Comment.objects.filter(
        ticket_id__in=ticket_ids, is_public=True, author__isnull=False,
        author_contact__isnull=True, author__is_system=False,
    ).order_by("created_at", "pk")  # fmt: skip
    for comment in replies:
        last[comment.ticket_id] = comment
    return last


def suggested_answers(*, user: User, ticket: Ticket, limit: int = 3) -> list[Answer]:
    """Up to `limit` answers from the most similar finished tickets that have one."""
    query = ticket_text(ticket.title, ticket.description)
    return answers_for_text(user=user, text=query, limit=limit, excluding=ticket.pk)


def answers_for_text(
    *, user: User, text: str, limit: int = 5, excluding: int | None = None
) -> list[Answer]:
    """The finished tickets `user` may see most like `text`, each with the public staff reply
    that resolved it (the knowledge search's "resolved tickets" for agents)."""
    require_staff(user)
    finished = tickets_visible_to(user).filter(phase__in=(Phase.RESOLVED, Phase.CLOSED))
    if excluding is not None:
        finished = finished.exclude(pk=excluding)
    rows = list(
        finished.order_by("-created_at")
        .values_list("pk", "number", "title", "description")[:CANDIDATES]
    )  # fmt: skip
    texts = [ticket_text(title, description) for _, _, title, description in rows]
    found = most_similar(text, texts, at_least=ANSWERS_AT, limit=limit * 3)
    replies = _staff_replies([rows[i][0] for i, _ in found])
    answers = []
    for index, score in found:
        pk, number, title, _ = rows[index]
        reply = replies.get(pk)
        if reply is not None:
            answers.append(Answer(number, title, score, reply.pk, html_to_text(reply.body)))
    return answers[:limit]


def answer_text(*, user: User, number: int, comment_id: int) -> str:
    """The text of a public staff reply on a ticket the user may see (to insert in a reply)."""
    require_staff(user)
    comment = (
        Comment.objects.filter(pk=comment_id, is_public=True, author_contact__isnull=True,
                               ticket__in=tickets_visible_to(user))
        .only("body").first()
    )  # fmt: skip
    ticket_get_visible(user, number)
    if comment is None:
        raise NotFound(f"no reply {comment_id}")
    return html_to_text(comment.body)
