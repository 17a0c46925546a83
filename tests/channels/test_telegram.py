"""Telegram intake against the fake Bot API: polling, linking, tickets and comments, files,
edits, the quarantine, redelivery."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from deskline.channels.telegram import link_code_create, update_retry
from deskline.channels.telegram_models import TelegramBot, TelegramChat, TelegramUpdate
from deskline.channels.telegram_poll import poll_once
from deskline.notifications.services import outbox_flush
from deskline.tickets.models import Attachment, Comment, Ticket
from tests.channels.fake_telegram import callback, message
from tests.factories import ContactFactory

CHAT = 5550001

pytestmark = pytest.mark.django_db


def linked(bot: TelegramBot, contact: Any, chat_id: int = CHAT) -> TelegramChat:
    return TelegramChat.objects.create(
        bot=bot, chat_id=chat_id, contact=contact, linked_by="admin",
        linked_at=timezone.now(), created_at=timezone.now(),
    )  # fmt: skip


def poll(bot: TelegramBot) -> int:
    bot.refresh_from_db()
    return poll_once(bot, timeout=0)


def test_a_message_from_a_linked_chat_opens_a_telegram_ticket(fake_telegram, telegram_bot):
    contact = ContactFactory()
    linked(telegram_bot, contact)
    fake_telegram.add(message(1, CHAT, "Printer jams on floor 2\nIt shows E13"))
    assert poll(telegram_bot) == 1
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.title, ticket.contact_id) == (
        "telegram",
        "Printer jams on floor 2",
        contact.pk,
    )
    assert "E13" in ticket.description
    telegram_bot.refresh_from_db()
    assert telegram_bot.update_offset == 2


def test_an_update_delivered_again_adds_nothing(fake_telegram, telegram_bot):
    linked(telegram_bot, ContactFactory())
    fake_telegram.add(message(1, CHAT, "Printer jams"))
    poll(telegram_bot)
    # As after a crash before the offset moved: Telegram sends the unconfirmed update again.
    TelegramBot.objects.filter(pk=telegram_bot.pk).update(update_offset=0)
    poll(telegram_bot)
    assert Ticket.objects.count() == 1
    row = TelegramUpdate.objects.get()
    assert (row.status, row.deliveries) == ("processed", 2)


def test_the_next_message_within_the_window_is_a_comment(fake_telegram, telegram_bot):
    contact = ContactFactory()
    linked(telegram_bot, contact)
    fake_telegram.add(message(1, CHAT, "Printer jams"))
    fake_telegram.add(message(2, CHAT, "Model HP 400"))
    poll(telegram_bot)
    ticket = Ticket.objects.get()
    comment = Comment.objects.get(ticket=ticket)
    assert (comment.body, comment.author_contact_id, comment.channel) == (
        "<p>Model HP 400</p>",
        contact.pk,
        "telegram",
    )


def test_an_unlinked_chat_is_asked_to_link_and_its_message_kept(fake_telegram, telegram_bot):
    fake_telegram.add(message(1, CHAT, "Hello, printer jams"))
    poll(telegram_bot)
    assert not Ticket.objects.exists()
    assert TelegramUpdate.objects.get().status == "held"
    outbox_flush()
    (sent,) = fake_telegram.sent
    assert sent["chat_id"] == CHAT
    assert sent["reply_markup"]["keyboard"][0][0]["request_contact"] is True


def test_a_portal_code_links_the_chat_and_releases_its_kept_messages(fake_telegram, telegram_bot):
    contact = ContactFactory()
    fake_telegram.add(message(1, CHAT, "Printer jams"))
    poll(telegram_bot)
    code = link_code_create(contact=contact)
    fake_telegram.add(message(2, CHAT, f"/start {code}"))
    poll(telegram_bot)
    chat = TelegramChat.objects.get()
    assert (chat.contact_id, chat.linked_by) == (contact.pk, "code")
    ticket = Ticket.objects.get()
    assert (ticket.title, ticket.contact_id) == ("Printer jams", contact.pk)
    assert set(TelegramUpdate.objects.values_list("status", flat=True)) == {"processed"}


def test_a_code_works_once(fake_telegram, telegram_bot):
    contact = ContactFactory()
    code = link_code_create(contact=contact)
    fake_telegram.add(message(1, CHAT, f"/start {code}"))
    fake_telegram.add(message(2, CHAT + 1, f"/start {code}"))
    poll(telegram_bot)
    assert TelegramChat.objects.get(chat_id=CHAT).contact_id == contact.pk
    assert TelegramChat.objects.get(chat_id=CHAT + 1).contact_id is None


def test_the_own_shared_phone_number_links_the_matching_contact(fake_telegram, telegram_bot):
    contact = ContactFactory(phone="8 (912) 345-67-89")
    card = {"phone_number": "79123456789", "first_name": "Anna", "user_id": CHAT}
    fake_telegram.add(message(1, CHAT, contact=card))
    poll(telegram_bot)
    chat = TelegramChat.objects.get()
    assert (chat.contact_id, chat.linked_by) == (contact.pk, "phone")


def test_someone_elses_contact_card_links_nothing(fake_telegram, telegram_bot):
    ContactFactory(phone="+79123456789")
    card = {"phone_number": "+79123456789", "first_name": "Boss", "user_id": 999}
    fake_telegram.add(message(1, CHAT, contact=card))
    poll(telegram_bot)
    assert TelegramChat.objects.get().contact_id is None


def test_a_reply_to_our_message_about_a_ticket_is_a_comment_on_it(fake_telegram, telegram_bot):
    from deskline.channels.telegram import chat_say

    contact = ContactFactory()
    chat = linked(telegram_bot, contact)
    fake_telegram.add(message(1, CHAT, "Printer jams"))
    poll(telegram_bot)
    first = Ticket.objects.get()
    chat_say(chat=chat, text="An engineer is on the way", ticket=first)
    outbox_flush()
    ours = fake_telegram.next_message_id
    TelegramChat.objects.filter(pk=chat.pk).update(last_ticket=None)  # the conversation ended
    fake_telegram.add(message(2, CHAT, "Thanks, waiting", reply_to_message={"message_id": ours}))
    poll(telegram_bot)
    assert Ticket.objects.count() == 1
    assert Comment.objects.get(ticket=first).body == "<p>Thanks, waiting</p>"


def test_open_tickets_make_the_client_choose_and_the_button_places_it(
    fake_telegram, telegram_bot, make_ticket, django_capture_on_commit_callbacks
):
    contact = ContactFactory()
    linked(telegram_bot, contact)
    earlier = make_ticket(title="VPN down", contact_id=contact.pk, company_id=contact.company_id)
    fake_telegram.add(message(1, CHAT, "Still no VPN"))
    poll(telegram_bot)
    held = TelegramUpdate.objects.get()
    assert held.status == "held"
    outbox_flush()
    buttons = fake_telegram.sent[-1]["reply_markup"]["inline_keyboard"]
    assert buttons[0][0]["callback_data"] == f"add:{held.pk}:{earlier.number}"
    fake_telegram.add(callback(2, CHAT, f"add:{held.pk}:{earlier.number}"))
    with django_capture_on_commit_callbacks(execute=True):
        poll(telegram_bot)
    assert Comment.objects.get(ticket=earlier).body == "<p>Still no VPN</p>"
    assert Ticket.objects.count() == 1
    assert ("answerCallbackQuery", {"callback_query_id": "cb2", "text": "Done"}) in (
        fake_telegram.calls
    )


def test_the_new_request_button_opens_a_ticket(fake_telegram, telegram_bot, make_ticket):
    contact = ContactFactory()
    linked(telegram_bot, contact)
    make_ticket(title="VPN down", contact_id=contact.pk, company_id=contact.company_id)
    fake_telegram.add(message(1, CHAT, "New laptop please"))
    poll(telegram_bot)
    held = TelegramUpdate.objects.get()
    fake_telegram.add(callback(2, CHAT, f"new:{held.pk}"))
    fake_telegram.add(callback(3, CHAT, f"new:{held.pk}"))  # pressed twice
    poll(telegram_bot)
    assert Ticket.objects.filter(title="New laptop please").count() == 1


def test_a_button_cannot_place_a_message_on_someone_elses_ticket(
    fake_telegram, telegram_bot, make_ticket
):
    contact = ContactFactory()
    linked(telegram_bot, contact)
    make_ticket(title="Mine", contact_id=contact.pk, company_id=contact.company_id)
    other = make_ticket(title="Not mine", contact_id=ContactFactory().pk)
    fake_telegram.add(message(1, CHAT, "hello"))
    poll(telegram_bot)
    held = TelegramUpdate.objects.get()
    fake_telegram.add(callback(2, CHAT, f"add:{held.pk}:{other.number}"))
    poll(telegram_bot)
    assert not Comment.objects.filter(ticket=other).exists()
    assert TelegramUpdate.objects.get(pk=held.pk).status == "held"


def test_a_photo_becomes_an_attachment_of_the_ticket(fake_telegram, telegram_bot):
    linked(telegram_bot, ContactFactory())
    jpeg = b"\xff\xd8\xff\xe0" + b"0" * 200
    fake_telegram.files["ph1"] = jpeg
    photo = [{"file_id": "ph1", "file_unique_id": "p", "width": 800, "height": 600,
              "file_size": len(jpeg)}]  # fmt: skip
    fake_telegram.add(message(1, CHAT, photo=photo, caption="Broken screen"))
    poll(telegram_bot)
    attachment = Attachment.objects.get()
    assert (attachment.filename, attachment.size) == ("photo-1.jpg", len(jpeg))
    assert attachment.ticket.title == "Broken screen"


def test_a_file_over_the_upload_limit_is_left_out_and_noted(fake_telegram, telegram_bot, settings):
    settings.DESKLINE_MAX_UPLOAD_BYTES = 100
    linked(telegram_bot, ContactFactory())
    fake_telegram.files["d1"] = b"%PDF-1.4" + b"0" * 500
    doc = {"file_id": "d1", "file_unique_id": "d", "file_name": "big.pdf", "file_size": 508}
    fake_telegram.add(message(1, CHAT, "see the file", document=doc))
    poll(telegram_bot)
    row = TelegramUpdate.objects.get()
    assert row.status == "processed" and "big.pdf" in row.reason
    assert not Attachment.objects.exists() and Ticket.objects.count() == 1


def test_a_failed_download_quarantines_and_the_retry_completes(fake_telegram, telegram_bot):
    linked(telegram_bot, ContactFactory())
    doc = {"file_id": "late", "file_unique_id": "l", "file_name": "act.pdf"}
    fake_telegram.add(message(1, CHAT, "the act", document=doc))
    fake_telegram.files["late"] = b""
    del fake_telegram.files["late"]  # the file URL answers 404
    poll(telegram_bot)
    row = TelegramUpdate.objects.get()
    assert row.status == "quarantined" and "download" in row.reason
    assert not Ticket.objects.exists()
    fake_telegram.files["late"] = b"%PDF-1.4 act"
    outcome = update_retry(update_pk=row.pk)
    assert outcome.status == "processed"
    assert Attachment.objects.get().filename == "act.pdf"


def test_an_edit_is_an_internal_note_and_the_original_stays(fake_telegram, telegram_bot):
    linked(telegram_bot, ContactFactory())
    fake_telegram.add(message(1, CHAT, "Printer jams", message_id=77))
    fake_telegram.add(message(2, CHAT, "Printer jams again", message_id=77, kind="edited_message"))
    poll(telegram_bot)
    ticket = Ticket.objects.get()
    assert ticket.description == "<p>Printer jams</p>"
    note = Comment.objects.get(ticket=ticket)
    assert not note.is_public and "Printer jams again" in note.body


def test_a_deletion_is_noted_and_nothing_is_removed(fake_telegram, telegram_bot):
    linked(telegram_bot, ContactFactory())
    fake_telegram.add(message(1, CHAT, "Printer jams", message_id=77))
    fake_telegram.add({
        "update_id": 2,
        "deleted_business_messages": {
            "business_connection_id": "b", "chat": {"id": CHAT, "type": "private"},
            "message_ids": [77],
        },
    })  # fmt: skip
    poll(telegram_bot)
    ticket = Ticket.objects.get()
    note = Comment.objects.get(ticket=ticket)
    assert not note.is_public and "deleted" in note.body


def test_an_update_of_an_unknown_kind_is_kept_and_ignored(fake_telegram, telegram_bot):
    fake_telegram.add({"update_id": 1, "my_chat_member": {"chat": {"id": CHAT}}})
    poll(telegram_bot)
    row = TelegramUpdate.objects.get()
    assert (row.status, row.kind) == ("ignored", "my_chat_member")


def test_a_429_on_getupdates_is_waited_out(fake_telegram, telegram_bot, monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr("time.sleep", slept.append)
    linked(telegram_bot, ContactFactory())
    fake_telegram.throttle["getUpdates"] = 2
    fake_telegram.add(message(1, CHAT, "Printer jams"))
    poll(telegram_bot)
    assert slept == [2]
    assert Ticket.objects.count() == 1


# --- batches: one transaction for stored updates, a failure isolated --------------------------


def test_a_batch_reads_its_chats_once_and_every_update_lands(fake_telegram, telegram_bot):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for c in range(5):
        linked(telegram_bot, ContactFactory(), chat_id=CHAT + c)
        fake_telegram.add(message(c + 1, CHAT + c, f"Printer {c} jams"))
    with CaptureQueriesContext(connection) as queries:
        assert poll(telegram_bot) == 5
    chat_reads = [q for q in queries if 'FROM "channels_telegramchat"' in q["sql"]
                  and q["sql"].startswith("SELECT")]  # fmt: skip
    assert len(chat_reads) == 1  # the batch's, not one per update
    assert Ticket.objects.count() == 5
    assert set(TelegramUpdate.objects.values_list("status", flat=True)) == {"processed"}


def test_a_failing_update_in_a_batch_is_quarantined_alone(fake_telegram, telegram_bot, monkeypatch):
    from deskline.channels import telegram_intake

    for c in range(3):
        linked(telegram_bot, ContactFactory(), chat_id=CHAT + c)
        fake_telegram.add(message(c + 1, CHAT + c, f"Printer {c} jams"))
    real = telegram_intake.handle_update

    def flaky(row, update):
        if row.update_id == 2:
            raise RuntimeError("disk full")
        return real(row, update)

    monkeypatch.setattr(telegram_intake, "handle_update", flaky)
    assert poll(telegram_bot) == 3
    rows = dict(TelegramUpdate.objects.values_list("update_id", "status"))
    assert rows == {1: "processed", 2: "quarantined", 3: "processed"}
    assert Ticket.objects.count() == 2
    assert "disk full" in TelegramUpdate.objects.get(update_id=2).reason
