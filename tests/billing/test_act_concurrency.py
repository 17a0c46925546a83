"""Act numbers stay without gaps when many threads issue acts at once (PostgreSQL)."""

from __future__ import annotations

import threading
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connection, connections

from deskline.billing.act_services import act_create_for_ticket, act_issue
from deskline.billing.models import Act
from deskline.billing.services import charge_add
from tests.billing.factories import CatalogItemFactory, PriceFactory
from tests.factories import ContactFactory

THREADS = 6
PER_THREAD = 5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_issuing_gives_each_act_the_next_number_without_gaps(
    admin: Any, make_ticket: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; row locks are a PostgreSQL question")
    item = CatalogItemFactory()
    PriceFactory(item=item)
    contact = ContactFactory()
    drafts = []
    for _ in range(THREADS * PER_THREAD):
        ticket = make_ticket(contact_id=contact.pk)
        charge_add(actor=admin, ticket_number=ticket.number, item_id=item.pk, quantity=D(1))
        drafts.append(act_create_for_ticket(actor=admin, ticket_number=ticket.number).pk)
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def issue(ids: list[int]) -> None:
        try:
            start.wait()
            for act_id in ids:
                act_issue(actor=admin, act_id=act_id)
        except BaseException as exc:  # reported below; a thread cannot fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(drafts[i::THREADS],)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Act.objects.values_list("number", flat=True))
    assert numbers == list(range(1, THREADS * PER_THREAD + 1))
