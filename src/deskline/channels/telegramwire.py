"""Telegram Bot API updates read into plain values (pure: no ORM, no I/O).

Follows https://core.telegram.org/bots/api#update: an update has an `update_id` and at most one
of `message`, `edited_message`, `callback_query`, `deleted_business_messages`, ...; a message
has `message_id`, `chat`, `from`, `text` or `caption`, and maybe `photo` (sizes, smallest
first), `document`, `voice`, `audio`, `video`, `contact` and `reply_to_message`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


class UpdateFormatError(ValueError):
    """The body is not an update we can read."""


@dataclass(frozen=True)
class FileRef:
    file_id: str
    filename: str
    size: int | None


@dataclass(frozen=True)
class IncomingMessage:
    message_id: int
    chat_id: int
    chat_type: str
    from_id: int | None
    username: str
    name: str
    text: str
    files: tuple[FileRef, ...] = ()
    reply_to: int | None = None
    contact_phone: str = ""
    contact_user_id: int | None = None


@dataclass(frozen=True)
class Callback:
    callback_id: str
    chat_id: int | None
    from_id: int
    data: str
    message_id: int | None


@dataclass(frozen=True)
class Update:
    update_id: int
    kind: str
    message: IncomingMessage | None = None
    callback: Callback | None = None
    deleted_ids: tuple[int, ...] = field(default=())
    chat_id: int | None = None


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise UpdateFormatError(f"{what} is not an integer")
    return value


def _dict(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise UpdateFormatError(f"{what} is missing or not an object")
    return value


def _files(msg: dict[str, Any]) -> tuple[FileRef, ...]:
    mid = msg.get("message_id")
    found: list[FileRef] = []
    photos = msg.get("photo")
    if isinstance(photos, list) and photos:
        best = max(photos, key=lambda p: (p.get("file_size") or 0, p.get("width") or 0))
        found.append(FileRef(str(best["file_id"]), f"photo-{mid}.jpg", best.get("file_size")))
    defaults = {
        "document": "file",
        "voice": f"voice-{mid}.ogg",
        "audio": f"audio-{mid}.mp3",
        "video": f"video-{mid}.mp4",
    }
    for key, default_name in defaults.items():
        item = msg.get(key)
        if isinstance(item, dict) and item.get("file_id"):
            name = str(item.get("file_name") or default_name)
            found.append(FileRef(str(item["file_id"]), name, item.get("file_size")))
    return tuple(found)


def read_message(msg: dict[str, Any]) -> IncomingMessage:
    chat = _dict(msg.get("chat"), "message.chat")
    sender = msg.get("from") if isinstance(msg.get("from"), dict) else {}
    assert isinstance(sender, dict)
    name = " ".join(str(sender.get(k) or "") for k in ("first_name", "last_name")).strip()
    reply = msg.get("reply_to_message")
    contact = msg.get("contact") if isinstance(msg.get("contact"), dict) else None
    return IncomingMessage(
        message_id=_int(msg.get("message_id"), "message.message_id"),
        chat_id=_int(chat.get("id"), "message.chat.id"),
        chat_type=str(chat.get("type") or ""),
        from_id=sender.get("id") if isinstance(sender.get("id"), int) else None,
        username=str(sender.get("username") or "")[:64],
        name=name[:300],
        text=str(msg.get("text") or msg.get("caption") or ""),
        files=_files(msg),
        reply_to=reply.get("message_id") if isinstance(reply, dict) else None,
        contact_phone=str(contact.get("phone_number") or "") if contact else "",
        contact_user_id=contact.get("user_id") if contact else None,
    )


def read_update(body: bytes | dict[str, Any]) -> Update:
    """The update in `body` (raw JSON or already decoded)."""
    if isinstance(body, bytes | bytearray):
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise UpdateFormatError(f"not JSON: {exc}") from exc
    else:
        data = body
    data = _dict(data, "the update")
    update_id = _int(data.get("update_id"), "update_id")
    for kind in ("message", "edited_message", "business_message", "edited_business_message"):
        if kind in data:
            message = read_message(_dict(data[kind], kind))
            return Update(update_id, kind, message=message, chat_id=message.chat_id)
    if "callback_query" in data:
        query = _dict(data["callback_query"], "callback_query")
        sender = _dict(query.get("from"), "callback_query.from")
        msg = query.get("message") if isinstance(query.get("message"), dict) else None
        chat_id = msg["chat"]["id"] if msg and isinstance(msg.get("chat"), dict) else None
        callback = Callback(
            callback_id=str(query.get("id") or ""),
            chat_id=chat_id,
            from_id=_int(sender.get("id"), "callback_query.from.id"),
            data=str(query.get("data") or ""),
            message_id=msg.get("message_id") if msg else None,
        )
        return Update(update_id, "callback_query", callback=callback, chat_id=chat_id)
    if "deleted_business_messages" in data:
        deleted = _dict(data["deleted_business_messages"], "deleted_business_messages")
        chat = _dict(deleted.get("chat"), "deleted_business_messages.chat")
        ids = tuple(i for i in deleted.get("message_ids") or [] if isinstance(i, int))
        return Update(
            update_id,
            "deleted_business_messages",
            deleted_ids=ids,
            chat_id=_int(chat.get("id"), "chat.id"),
        )
    kind = next((k for k in data if k != "update_id"), "empty")
    return Update(update_id, kind)


def start_code(text: str) -> str | None:
    """The code of `/start CODE` (a t.me deep link), else None; `/start` alone gives ""."""
    parts = text.strip().split()
    if not parts or parts[0].split("@")[0] != "/start":
        return None
    return parts[1] if len(parts) > 1 else ""


def ticket_title(text: str, *, fallback: str) -> str:
    """A ticket title from the first line of a message (at most 300 characters)."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if not first:
        return fallback
    return first if len(first) <= 120 else first[:117].rstrip() + "..."
