"""PostgreSQL timestamps read by psycopg's C parser give Django's values (core/pgtime.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from deskline.core import pgtime
from deskline.tickets.models import Ticket
from tests.servers import postgresql_only

pytestmark = pytest.mark.django_db


@postgresql_only
def test_a_timestamp_reads_as_django_reads_it(make_ticket: Any) -> None:
    moment = dt.datetime(2026, 12, 4, 21, 30, 15, 123456, tzinfo=dt.UTC)
    ticket = make_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=moment, resolution_due=None)
    updated, due = Ticket.objects.filter(pk=ticket.pk).values_list("updated_at", "resolution_due")[
        0
    ]
    assert updated == moment and updated.tzinfo is dt.UTC and due is None


@postgresql_only
def test_the_connection_keeps_the_c_loader() -> None:
    from psycopg.pq import Format

    loader = pgtime.utc_loader()
    if loader is None:
        pytest.skip("psycopg without its C extension")
    connection.ensure_connection()
    with connection.cursor() as cursor:
        registered = cursor.cursor.adapters.get_loader(1184, Format.TEXT)  # timestamptz
    assert registered.__name__ == "UtcTimestamptzLoader"
    assert registered.timezone is connection.timezone  # so Django's create_cursor keeps it
