"""Ticket numbers: unique, increasing, never reused, safe under concurrent creation.

PostgreSQL uses a sequence (nextval never hands out a value twice, even on rollback). SQLite uses
a counter row bumped with UPDATE ... RETURNING inside the writing transaction; SQLite serialises
writers, so two transactions can never read the same value.
"""

from __future__ import annotations

from django.db import connection

SEQUENCE = "tickets_ticket_number_seq"
COUNTER = "ticket"


def next_ticket_numbers(count: int = 1) -> list[int]:
    if count < 1:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [SEQUENCE, count])
            return [row[0] for row in cursor.fetchall()]
        bump = (
            "UPDATE tickets_numbersequence SET value = value + %s WHERE name = %s RETURNING value"
        )
        cursor.execute(bump, [count, COUNTER])
        row = cursor.fetchone()
        if row is None:
            # The counter row is gone (a truncated table): restart it above every number issued.
            cursor.execute(
                "INSERT INTO tickets_numbersequence (name, value) "
                "SELECT %s, COALESCE(MAX(number), 0) FROM tickets_ticket",
                [COUNTER],
            )
            cursor.execute(bump, [count, COUNTER])
            row = cursor.fetchone()
        assert row is not None
        last = int(row[0])
        return list(range(last - count + 1, last + 1))


def next_ticket_number() -> int:
    return next_ticket_numbers(1)[0]


def number_in_insert() -> dict[str, str]:
    """The INSERT expression that draws a new ticket's number, where the database has one.

    On PostgreSQL the ticket's own INSERT calls the sequence (see `core.inserts`), which saves
    a round trip per ticket; elsewhere it is empty and the caller takes `next_ticket_number()`.
    """
    if connection.vendor == "postgresql":
        return {"number": f"nextval('{SEQUENCE}')"}
    return {}
