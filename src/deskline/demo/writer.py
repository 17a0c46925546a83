"""Writing planned tickets, comments, events and search rows in bulk.

PostgreSQL: ids are drawn from the tables' sequences up front and the rows are streamed with
COPY, the fastest way in; the search vectors are computed by the server from an array of texts.
Other databases (SQLite): `bulk_create`, which returns the new ids, and the FTS5 table.
The caller holds the transaction.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from psycopg.types.json import Jsonb

from deskline.demo.lifecycle import TicketPlan
from deskline.tickets.models import Comment, Ticket, TicketEvent
from deskline.tickets.stemming import stemmed_text

_JSON_COLUMNS = frozenset({"custom_fields", "changes", "data"})
_TYPES: dict[str, dict[str, int]] = {}


@dataclass
class Written:
    tickets: int = 0
    comments: int = 0
    events: int = 0

    def add(self, other: Written) -> None:
        self.tickets += other.tickets
        self.comments += other.comments
        self.events += other.events


def write_plans(plans: Sequence[TicketPlan]) -> Written:
    if not plans:
        return Written()
    if connection.vendor == "postgresql":
        ticket_ids, written = _write_copy(plans)
    else:
        ticket_ids, written = _write_orm(plans)
    index_search(ticket_ids, [p.doc for p in plans])
    return written


def _events_with_ids(
    plans: Sequence[TicketPlan], ticket_ids: Sequence[int], comment_ids: Sequence[int]
) -> Iterable[dict[str, Any]]:
    """Events with ticket_id set and the comment index replaced by the comment's id."""
    comments = iter(comment_ids)
    for plan, ticket_id in zip(plans, ticket_ids, strict=True):
        ids = [next(comments) for _ in plan.comments]
        for event in plan.events:
            row = {k: v for k, v in event.items() if k != "comment"}
            row["ticket_id"] = ticket_id
            if "comment" in event:
                row["data"] = {"comment_id": ids[event["comment"]], **event["data"]}
            yield row


def _comments_with_ids(
    plans: Sequence[TicketPlan], ticket_ids: Sequence[int]
) -> list[dict[str, Any]]:
    # Every column the row writes (COPY has no Django defaults): demo mail proves its sender.
    return [
        {**comment, "ticket_id": ticket_id, "sender_verified": True}
        for plan, ticket_id in zip(plans, ticket_ids, strict=True)
        for comment in plan.comments
    ]


def _write_orm(plans: Sequence[TicketPlan]) -> tuple[list[int], Written]:
    tickets = Ticket.objects.bulk_create([Ticket(**plan.row) for plan in plans])
    ticket_ids = [t.pk for t in tickets]
    comments = Comment.objects.bulk_create(
        [Comment(**row) for row in _comments_with_ids(plans, ticket_ids)]
    )
    comment_ids = [c.pk for c in comments]
    events = TicketEvent.objects.bulk_create(
        [TicketEvent(**row) for row in _events_with_ids(plans, ticket_ids, comment_ids)]
    )
    return ticket_ids, Written(len(tickets), len(comments), len(events))


def _next_ids(table: str, count: int) -> list[int]:
    if count == 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _column_types(table: str) -> dict[str, int]:
    """Column name -> type oid, for binary COPY (the server then parses no text)."""
    if table not in _TYPES:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attname, atttypid::int FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                [table],
            )
            _TYPES[table] = dict(cursor.fetchall())
    return _TYPES[table]


def _copy(table: str, rows: Iterable[dict[str, Any]]) -> int:
    """Stream rows (dicts with the same keys) into `table` with a binary COPY."""
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return 0
    names = list(first)
    types = _column_types(table)
    as_json = [n in _JSON_COLUMNS for n in names]
    count = 0
    with connection.cursor() as cursor:
        sql = f"COPY {table} ({', '.join(names)}) FROM STDIN (FORMAT BINARY)"  # noqa: S608 - our names
        with cursor.cursor.copy(sql) as copy:
            copy.set_types([types[n] for n in names])
            for row in itertools.chain([first], iterator):
                values = [row[n] for n in names]
                copy.write_row([Jsonb(v) if j else v for v, j in zip(values, as_json, strict=True)])
                count += 1
    return count


def _write_copy(plans: Sequence[TicketPlan]) -> tuple[list[int], Written]:
    ticket_ids = _next_ids("tickets_ticket", len(plans))
    tickets = _copy(
        "tickets_ticket", ({"id": pk, **p.row} for p, pk in zip(plans, ticket_ids, strict=True))
    )
    comments = _comments_with_ids(plans, ticket_ids)
    comment_ids = _next_ids("tickets_comment", len(comments))
    for row, pk in zip(comments, comment_ids, strict=True):
        row["id"] = pk
    written = Written(tickets, _copy("tickets_comment", comments), 0)
    written.events = _copy("tickets_ticketevent", _events_with_ids(plans, ticket_ids, comment_ids))
    return ticket_ids, written


def index_search(ticket_ids: Sequence[int], docs: Sequence[str]) -> None:
    """Index title, description and comments the way `tickets.search` reads them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "INSERT INTO tickets_search (ticket_id, vector) "
                "SELECT d.id, to_tsvector('english', d.doc) || to_tsvector('russian', d.doc) "
                "FROM unnest(%s::bigint[], %s::text[]) AS d(id, doc)",
                [list(ticket_ids), list(docs)],
            )
        else:
            cursor.executemany(
                "INSERT INTO tickets_fts (rowid, body) VALUES (%s, %s)",
                # FTS5 has no Russian stemmer: the text goes in stemmed, as search.py does it.
                [(pk, stemmed_text(doc)) for pk, doc in zip(ticket_ids, docs, strict=True)],
            )
