"""Full-text search over tickets: title, description and comments, English and Russian.

PostgreSQL: one tsvector per ticket (English and Russian stems together) in `tickets_search`,
with a GIN index. SQLite: an FTS5 table `tickets_fts` whose rowid is the ticket id, holding the
text already stemmed in Python (FTS5 has no Russian stemmer). Both are kept up to date by the
ticket services inside their transactions.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from deskline.core.html import html_to_text
from deskline.tickets.models import Ticket
from deskline.tickets.stemming import stemmed_text, stems

_PG_VECTOR = "to_tsvector('english', %s) || to_tsvector('russian', %s)"


def searchable(text: str) -> str:
    """Text in the form the index is given: stemmed for SQLite's FTS5 (PostgreSQL stems itself).

    A writer may prepare it before its transaction and pass `prepared=True` to the indexing.
    """
    return text if connection.vendor == "postgresql" else stemmed_text(text)


def index_ticket_text(ticket_id: int, text: str, *, prepared: bool = False) -> None:
    """Replace a ticket's indexed text (title and description)."""
    if not prepared:
        text = searchable(text)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO tickets_search (ticket_id, vector) VALUES (%s, {_PG_VECTOR}) "  # noqa: S608
                "ON CONFLICT (ticket_id) DO UPDATE SET vector = EXCLUDED.vector",
                [ticket_id, text, text],
            )
        else:
            cursor.execute("DELETE FROM tickets_fts WHERE rowid = %s", [ticket_id])
            cursor.execute(
                "INSERT INTO tickets_fts (rowid, body) VALUES (%s, %s)", [ticket_id, text]
            )


def ticket_text(ticket: Ticket) -> str:
    """The ticket's own searchable text: title and description."""
    return f"{ticket.title}\n{html_to_text(ticket.description)}"


def reindex_ticket(ticket: Ticket) -> None:
    """Index the ticket's title, description and every comment."""
    comments = [html_to_text(body) for body in ticket.comments.values_list("body", flat=True)]
    index_ticket_text(ticket.pk, "\n".join([ticket_text(ticket), *comments]))


def append_ticket_text(ticket_id: int, text: str) -> None:
    """Add a comment's text to a ticket's index."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE tickets_search SET vector = vector || {_PG_VECTOR} "  # noqa: S608
                "WHERE ticket_id = %s",
                [text, text, ticket_id],
            )
        else:
            cursor.execute(
                "UPDATE tickets_fts SET body = body || ' ' || %s WHERE rowid = %s",
                [stemmed_text(text), ticket_id],
            )


def fts5_query(text: str) -> str:
    """User text as a safe FTS5 query: every word's stem must match, as a prefix."""
    return " ".join(f'"{s}"*' for s in stems(text))


#: The PostgreSQL condition on `tickets_search` for a user's text (its two parameters: the text).
MATCHES = "vector @@ (websearch_to_tsquery('english', %s) || websearch_to_tsquery('russian', %s))"
#: Up to this many matching tickets, a search lists them from the ids the GIN index gives.
SELECTIVE_MATCHES = 2000
#: A word the planner expects in more than this share of tickets is one of the common words
#: ANALYZE keeps statistics for: its matches are dense, and the sort-index walk finds a page fast.
COMMON_SHARE = 0.01
#: How long a process trusts its reading of the number of indexed tickets.
SIZE_TTL_SECONDS = 60.0
_size: tuple[float, float] = (0.0, float("-inf"))  # (tickets, read at monotonic time)
#: How to read the number of indexed tickets without a scan: PostgreSQL's planner estimate;
#: on SQLite the highest ticket id (ids are dense enough for a cost estimate).
_SIZE_QUERIES = {
    "postgresql": "SELECT reltuples FROM pg_class WHERE oid = 'tickets_search'::regclass",
    "sqlite": "SELECT max(id) FROM tickets_ticket",
}


def _indexed_tickets(cursor: Any) -> float:
    """About how many tickets are indexed (no scan), re-read once a minute."""
    global _size
    count, read_at = _size
    now = time.monotonic()
    if now - read_at > SIZE_TTL_SECONDS:
        cursor.execute(_SIZE_QUERIES[connection.vendor])
        row = cursor.fetchone()
        count = float(row[0]) if row and row[0] and row[0] > 0 else 0.0
        _size = (count, now)
    return count


def _few_matches(text: str) -> list[int] | None:
    """The ids of the tickets matching `text` when there are at most SELECTIVE_MATCHES, else None.

    Without it PostgreSQL serves "matching, newest first, first page" by walking the sort index
    and testing each ticket: quick for a common word, but for a rare one (a serial number) it
    walks the whole table, 4.2 s at a million tickets. Reading a rare word's few matches from
    the GIN index first takes milliseconds; for a common word that read alone costs tens of
    milliseconds, so the planner's estimate (ANALYZE keeps the most common words' frequencies;
    any other word is estimated below them) decides first whether to try.
    """
    with connection.cursor() as cursor:
        probe = f"SELECT ticket_id FROM tickets_search WHERE {MATCHES}"  # noqa: S608
        cursor.execute(f"EXPLAIN (FORMAT JSON) {probe}", [text, text])
        row = cursor.fetchone()
        assert row is not None
        plan = json.loads(row[0]) if isinstance(row[0], str) else row[0]
        expected = plan[0]["Plan"]["Plan Rows"]
        if expected > max(SELECTIVE_MATCHES, COMMON_SHARE * _indexed_tickets(cursor)):
            return None
        cursor.execute(f"{probe} LIMIT %s", [text, text, SELECTIVE_MATCHES + 1])
        ids = [row[0] for row in cursor.fetchall()]
    return ids if len(ids) <= SELECTIVE_MATCHES else None


def filter_by_text(queryset: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    text = text.replace("\x00", " ").strip()  # PostgreSQL cannot compare text holding NUL
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        few = _few_matches(text)
        if few is not None:
            return queryset.filter(pk__in=few)
        return queryset.extra(  # noqa: S610
            where=[f"tickets_ticket.id IN (SELECT ticket_id FROM tickets_search WHERE {MATCHES})"],  # noqa: S608
            params=[text, text],
        )
    query = fts5_query(text)
    if not query:
        return queryset.none()
    # A leading `+` keeps SQLite from using the condition to look tickets up by id, so it
    # walks the sort's index and tests each id against the matches (see `_walks_sort_index`).
    column = "+tickets_ticket.id" if _walks_sort_index(query) else "tickets_ticket.id"
    return queryset.extra(  # noqa: S610
        where=[f"{column} IN (SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH %s)"],  # noqa: S608
        params=[query],
    )


#: Below this many matches, fetching them is always cheap (a few milliseconds).
FTS5_LOOKUP_MIN = 100


def fts5_lookup_limit(tickets: float) -> int:
    """Up to how many matches SQLite should fetch the matching tickets by id and sort them.

    Fetching costs about 30 steps of an index walk per match (a ticket row read from disk
    against one index entry); walking the sort's index until a page of 50 matches is found
    costs about tickets * 50 / matches steps. The two meet near 1.3 * sqrt(tickets):
    about 400 matches at 100,000 tickets, 1,300 at a million.
    """
    return max(FTS5_LOOKUP_MIN, int(1.3 * math.sqrt(max(tickets, 0.0))))


def _walks_sort_index(query: str) -> bool:
    """Whether a list of the tickets matching the FTS5 `query` should walk the sort's index.

    SQLite otherwise reads every matching ticket and sorts them for the first page: 160 ms
    for a common word ("printer", 5,000 of 100,000 tickets) against 2 ms for the walk, which
    stops at the page's last match. For a rare word the walk would read the whole index (90
    ms at 100,000 tickets) where fetching its few matches takes well under a millisecond.
    Counting the matches up to the limit is a fraction of a millisecond either way.
    """
    with connection.cursor() as cursor:
        limit = fts5_lookup_limit(_indexed_tickets(cursor))
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM tickets_fts WHERE tickets_fts MATCH %s LIMIT %s)",
            [query, limit + 1],
        )
        row = cursor.fetchone()
    return bool(row and row[0] > limit)
