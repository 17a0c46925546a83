"""The ticket field table is the one list: the API's request shapes agree with it."""

from __future__ import annotations

from deskline.tickets import fields
from deskline.tickets.schemas import TicketCreateIn, TicketUpdateIn

#: Request fields that are not ticket fields (how to read the others, optimistic locking, who
#: the request is recorded for).
NOT_FIELDS = {"description_is_html", "version", "on_behalf_of_contact"}


def test_the_create_body_offers_every_declared_field():
    assert set(TicketCreateIn.model_fields) - NOT_FIELDS == set(fields.BY_NAME)


def test_the_update_body_offers_exactly_the_updatable_fields():
    assert set(TicketUpdateIn.model_fields) - NOT_FIELDS == fields.UPDATABLE
