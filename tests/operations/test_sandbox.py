"""A sandbox is a separate copy; nothing sent from it leaves the machine; anonymising is thorough."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
import pytest
from django.db import connection

from deskline.channels.models import Mailbox
from deskline.channels.webhook_models import WebhookDelivery, WebhookSubscription
from deskline.channels.webhooks import delivery_attempt
from deskline.clients.models import Contact
from deskline.core.models import OutboundLog
from deskline.notifications.services import outbox_flush
from deskline.operations.anonymise import NotASandbox, installation_anonymise
from deskline.operations.sandbox import sandbox_create, sandbox_remove
from deskline.tickets.models import Ticket
from deskline.tickets.services import comment_add, ticket_create, ticket_update
from tests.channels.mailservers import SmtpSink
from tests.channels.test_webhooks import Receiver
from tests.factories import AdminFactory, ContactFactory, ContactUserFactory


def _rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    database = dj_database_url.parse(url)
    if database["ENGINE"].endswith("sqlite3"):
        with sqlite3.connect(str(database["NAME"])) as db:
            return list(db.execute(sql))
    with psycopg.connect(
        dbname=database["NAME"], host=database.get("HOST") or None,
        port=database.get("PORT") or None, user=database.get("USER") or None,
    ) as db:  # fmt: skip
        return list(db.execute(sql))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sandbox_is_a_copy_in_its_own_database_whose_mailboxes_do_not_poll(
    tmp_path: Path,
) -> None:
    ticket = ticket_create(actor=AdminFactory(), title="Lift stuck on floor 3")
    Mailbox.objects.create(name="support", address="support@desk.example", is_active=True)
    sandbox = sandbox_create(folder=tmp_path / "sandbox")
    try:
        assert _rows(sandbox.database_url, "SELECT title FROM tickets_ticket") == [(ticket.title,)]
        assert _rows(sandbox.database_url, "SELECT is_active FROM channels_mailbox") in (
            [(0,)], [(False,)],
        )  # fmt: skip
        assert Mailbox.objects.get().is_active  # production's mailbox still polls
        assert "DESKLINE_SANDBOX=true" in (tmp_path / "sandbox" / "sandbox.env").read_text()
    finally:
        sandbox_remove(tmp_path / "sandbox")
    assert not (tmp_path / "sandbox").exists()


@pytest.mark.django_db
def test_no_mail_and_no_webhook_leaves_a_sandbox(
    settings: Any,
    smtp_sink: SmtpSink,
    receiver: Receiver,
    dispatch: Any,
) -> None:
    settings.DESKLINE_SANDBOX = True
    settings.DESKLINE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    WebhookSubscription.objects.create(name="crm", url=receiver.url, secret="s", event_kinds=[])
    contact = ContactFactory(email="anna@client.example")
    admin = AdminFactory()
    ticket = ticket_create(actor=admin, title="Printer jams", contact_id=contact.pk)
    comment_add(actor=admin, number=ticket.number, body="On our way", is_public=True)
    ticket_update(actor=admin, number=ticket.number, changes={"title": "Printer jams again"})
    dispatch()
    outbox_flush()
    outcomes = {delivery_attempt(d.pk) for d in WebhookDelivery.objects.all()}
    assert outcomes == {"delivered"}  # the sandbox treats a kept message as delivered
    assert smtp_sink.messages == [] and receiver.received == []
    kept = set(OutboundLog.objects.values_list("channel", flat=True))
    assert {"email", "webhook"} <= kept
    assert OutboundLog.objects.filter(recipient="anna@client.example").exists()


@pytest.mark.django_db
def test_anonymising_refuses_to_run_outside_a_sandbox(settings: Any) -> None:
    settings.DESKLINE_SANDBOX = False
    with pytest.raises(NotASandbox):
        installation_anonymise()


@pytest.mark.django_db
def test_anonymising_leaves_no_original_identity_or_text_and_keeps_people_consistent(
    settings: Any,
) -> None:
    settings.DESKLINE_SANDBOX = True
    login = ContactUserFactory(username="irina@client.example", email="irina@client.example")
    contact = Contact.objects.get(user=login)
    Contact.objects.filter(pk=contact.pk).update(name="Irina Petrova", phone="+7 912 345-67-89")
    admin = AdminFactory()
    ticket = ticket_create(actor=admin, title="Kassa KKT-7 jammed", contact_id=contact.pk)
    comment_add(actor=admin, number=ticket.number, body="Irina, the engineer comes at 3",
                is_public=True)  # fmt: skip
    installation_anonymise()
    contact.refresh_from_db()
    login.refresh_from_db()
    assert "Irina" not in contact.name and contact.email != "irina@client.example"
    assert contact.phone and "345-67-89" not in contact.phone
    assert login.username == login.email == contact.email
    assert f"{login.first_name} {login.last_name}" == contact.name
    ticket.refresh_from_db()
    assert "Kassa" not in ticket.title and "jammed" not in ticket.title
    texts = " ".join(
        str(v) for v in Ticket.objects.values_list("title", "description") for v in v
    ) + " ".join(ticket.comments.values_list("body", flat=True))
    for original in ("Irina", "Kassa", "jammed", "engineer"):
        assert original not in texts
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM tickets_fts WHERE tickets_fts MATCH 'jammed'")
            assert cursor.fetchone()[0] == 0
