"""Reading Telegram updates (pure): the documented shapes, and what is refused."""

from __future__ import annotations

import json

import pytest

from deskline.channels.telegramwire import (
    UpdateFormatError,
    read_update,
    start_code,
    ticket_title,
)
from tests.channels.fake_telegram import callback, message


def test_a_text_message_gives_its_chat_sender_and_text():
    update = read_update(json.dumps(message(7, 42, "Printer jams")).encode())
    assert update.kind == "message" and update.chat_id == 42
    assert update.message is not None
    assert (update.message.text, update.message.from_id, update.message.username) == (
        "Printer jams",
        42,
        "anna",
    )


def test_the_largest_photo_size_is_the_one_taken_with_the_caption_as_text():
    photo = [
        {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90, "file_size": 10},
        {"file_id": "big", "file_unique_id": "b", "width": 1280, "height": 960, "file_size": 900},
    ]
    update = read_update(message(8, 42, photo=photo, caption="broken screen"))
    assert update.message is not None
    assert [f.file_id for f in update.message.files] == ["big"]
    assert update.message.text == "broken screen"


def test_document_and_voice_keep_their_names_and_sizes():
    doc = {"file_id": "d1", "file_unique_id": "d", "file_name": "act.pdf", "file_size": 5}
    voice = {"file_id": "v1", "file_unique_id": "v", "duration": 3, "file_size": 7}
    update = read_update(message(9, 42, document=doc, voice=voice))
    assert update.message is not None
    assert [(f.filename, f.size) for f in update.message.files] == [
        ("act.pdf", 5),
        ("voice-9.ogg", 7),
    ]


def test_a_reply_names_the_message_it_answers():
    update = read_update(message(10, 42, "still broken", reply_to_message={"message_id": 1001}))
    assert update.message is not None and update.message.reply_to == 1001


def test_a_callback_query_gives_its_data_and_chat():
    update = read_update(callback(11, 42, "rate:5:4"))
    assert update.callback is not None
    assert (update.callback.data, update.callback.chat_id, update.callback.from_id) == (
        "rate:5:4",
        42,
        42,
    )


def test_an_edited_message_is_its_own_kind():
    update = read_update(message(12, 42, "new text", kind="edited_message"))
    assert update.kind == "edited_message"


def test_deleted_business_messages_list_their_ids():
    body = {
        "update_id": 13,
        "deleted_business_messages": {
            "business_connection_id": "x",
            "chat": {"id": 42, "type": "private"},
            "message_ids": [5, 6],
        },
    }
    update = read_update(body)
    assert update.deleted_ids == (5, 6) and update.chat_id == 42


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"message": {}}', b'{"update_id": "7"}'])
def test_what_is_not_an_update_is_refused(body):
    with pytest.raises(UpdateFormatError):
        read_update(body)


def test_a_message_without_a_chat_is_refused():
    with pytest.raises(UpdateFormatError):
        read_update({"update_id": 1, "message": {"message_id": 1}})


@pytest.mark.parametrize(
    ("text", "code"),
    [("/start abc_DEF-1", "abc_DEF-1"), ("/start", ""), ("/start@desk_bot xyz", "xyz"),
     ("hello", None), ("", None)],
)  # fmt: skip
def test_start_code(text, code):
    assert start_code(text) == code


def test_a_title_is_the_first_non_empty_line_shortened():
    assert ticket_title("\n  Printer\nmore", fallback="x") == "Printer"
    assert ticket_title("", fallback="x") == "x"
    assert len(ticket_title("a" * 500, fallback="x")) == 120
