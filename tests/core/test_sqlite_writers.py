"""SQLite writers queue for their turn in arrival order instead of polling SQLite's lock."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from django.db import OperationalError, connection, connections

from deskline.core.sqlite3.writers import WriterQueue
from deskline.tickets.models import Ticket
from deskline.tickets.services import ticket_create


def _wait_until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


def test_writers_get_their_turn_in_arrival_order(tmp_path: Path):
    queue = WriterQueue(str(tmp_path / "db-writer-lock"))
    queue.acquire(timeout=5)
    served: list[int] = []

    def writer(n: int) -> None:
        queue.acquire(timeout=5)
        served.append(n)
        queue.release()

    threads = []
    for n in range(4):
        threads.append(threading.Thread(target=writer, args=(n,)))
        threads[-1].start()
        _wait_until(lambda n=n: len(queue._waiting) == n + 1)  # queued before the next one
    queue.release()
    for thread in threads:
        thread.join()
    assert served == [0, 1, 2, 3]


def test_a_writer_waiting_past_the_timeout_fails_as_a_locked_database(tmp_path: Path):
    queue = WriterQueue(str(tmp_path / "db-writer-lock"))
    queue.acquire(timeout=5)
    failures: list[BaseException] = []

    def impatient() -> None:
        try:
            queue.acquire(timeout=0.05)
        except OperationalError as exc:
            failures.append(exc)

    thread = threading.Thread(target=impatient)
    thread.start()
    thread.join()
    queue.release()
    assert "database is locked" in str(failures[0])
    queue.acquire(timeout=1)  # the place given up leaves the queue usable
    queue.release()


THREADS = 8
PER_THREAD = 10


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_creates_and_lone_writes_on_sqlite_never_find_the_database_locked(admin):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single writer lock is what this is about; PostgreSQL locks rows")
    options = connections.settings["default"]["OPTIONS"]
    saved = options["timeout"]
    options["timeout"] = 2  # far less than the suite's 20 s: a queue that stalled would fail
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def create_many(n: int) -> None:
        try:
            start.wait()
            for i in range(PER_THREAD):
                ticket = ticket_create(actor=admin, title=f"thread {n} ticket {i}")
                # A statement outside a transaction: waits on SQLite's busy timeout, not a turn.
                Ticket.objects.filter(pk=ticket.pk).update(title=f"thread {n} ticket {i}!")
        except BaseException as exc:  # reported below: a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create_many, args=(n,)) for n in range(THREADS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        options["timeout"] = saved
    assert errors == []
    assert Ticket.objects.filter(title__endswith="!").count() == THREADS * PER_THREAD
