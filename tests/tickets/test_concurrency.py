"""Ticket numbers stay unique when many threads create tickets at once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from deskline.tickets.models import Ticket
from deskline.tickets.numbering import next_ticket_number
from deskline.tickets.services import ticket_create

THREADS = 8
PER_THREAD = 15


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_creation_gives_unique_gapless_numbers(admin):
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def create_many() -> None:
        try:
            start.wait()
            for i in range(PER_THREAD):
                ticket_create(actor=admin, title=f"parallel {i}")
        except BaseException as exc:  # reported below, a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create_many) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = list(Ticket.objects.values_list("number", flat=True))
    assert len(numbers) == THREADS * PER_THREAD
    assert len(set(numbers)) == len(numbers)
    # No creation failed, so no number was burnt: the numbers form one unbroken run.
    assert sorted(numbers) == list(range(min(numbers), min(numbers) + len(numbers)))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rolled_back_number_is_never_handed_out_again(admin):
    from django.db import transaction

    with transaction.atomic():
        burnt = next_ticket_number()
        transaction.set_rollback(True)
    ticket = ticket_create(actor=admin, title="after a rollback")
    if connection.vendor == "postgresql":
        assert ticket.number > burnt  # sequences never go back, even on rollback
    else:
        assert ticket.number >= burnt  # SQLite's counter rolls back with the transaction
    assert not Ticket.objects.exclude(pk=ticket.pk).filter(number=ticket.number).exists()


@pytest.mark.django_db
def test_numbering_survives_a_lost_counter_row(admin):
    from deskline.tickets.models import NumberSequence

    highest = ticket_create(actor=admin, title="before").number
    NumberSequence.objects.all().delete()
    assert ticket_create(actor=admin, title="after").number == highest + 1
