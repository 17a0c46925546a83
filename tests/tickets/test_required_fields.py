"""Issue 13 item 10: a required custom field no longer blocks intake; it blocks finishing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from deskline.channels.services import mail_ingest
from deskline.core.errors import ValidationFailed
from deskline.tickets.models import CustomField, Status, Ticket, TicketType
from deskline.tickets.services import ticket_change_status, ticket_update
from tests.channels.conftest import mailbox, make_raw  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def required_serial() -> CustomField:
    field = CustomField.objects.create(code="serial", name="Serial number", field_type="string",
                                       required=True)  # fmt: skip
    field.ticket_types.set(TicketType.objects.all())
    return field


def test_mail_intake_creates_the_ticket_without_the_required_field(
    required_serial: CustomField,
    mailbox: Any,  # noqa: F811
) -> None:
    result = mail_ingest(mailbox=mailbox, raw=make_raw())
    assert result.status == "processed" and Ticket.objects.filter(number=result.ticket_number)


def test_resolving_is_refused_until_the_required_field_is_filled(
    required_serial: CustomField, admin: Any, make_ticket: Any
) -> None:
    ticket = make_ticket()
    resolved = Status.objects.get(code="resolved")
    with pytest.raises(ValidationFailed) as refused:
        ticket_change_status(actor=admin, number=ticket.number, status_id=resolved.pk)
    assert "custom_fields.serial" in refused.value.fields
    ticket_update(actor=admin, number=ticket.number, changes={"custom_fields": {"serial": "SN-1"}})
    ticket_change_status(actor=admin, number=ticket.number, status_id=resolved.pk)
    assert Ticket.objects.get(pk=ticket.pk).phase == "resolved"


def test_the_ticket_page_shows_the_missing_field(
    required_serial: CustomField, admin: Any, make_ticket: Any, client: Client
) -> None:
    ticket = make_ticket()
    client.force_login(admin)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "Required before resolving" in page and "serial" in page
