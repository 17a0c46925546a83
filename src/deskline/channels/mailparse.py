"""Parse a raw RFC 822 message into plain values (pure: bytes in, a ParsedMail out).

The modern `email.policy.default` parser is tried first; headers it cannot make sense of are
read again from a `compat32` parse and decoded leniently. Bodies are decoded from the bytes with
the part's charset (any codec Python knows), falling back to UTF-8 and then Latin-1, so a
wrong or unknown charset degrades the text instead of failing the message.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from deskline.core.html import html_to_text, sanitize_html

_MSGID = re.compile(r"<([^<>\s]+)>")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Part:
    filename: str
    content_type: str
    data: bytes
    content_id: str = ""
    inline: bool = False


@dataclass
class ParsedMail:
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_name: str = ""
    from_addr: str = ""
    recipients: list[str] = field(default_factory=list)
    date: Any = None
    content_type: str = "text/plain"
    headers: dict[str, list[str]] = field(default_factory=dict)
    text: str = ""
    html: str = ""
    attachments: list[Part] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this message answers, the most direct first."""
        return list(dict.fromkeys([*self.in_reply_to, *reversed(self.references)]))

    @property
    def body_text(self) -> str:
        """The text version: text/plain if present, else the HTML as text."""
        return self.text or html_to_text(self.safe_html)

    @property
    def safe_html(self) -> str:
        return sanitize_html(self.html) if self.html else ""


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words leniently (unknown charsets and bad bytes replaced)."""
    chunks = []
    try:
        pieces = decode_header(value)
    except Exception:
        return value
    for chunk, charset in pieces:
        if isinstance(chunk, bytes):
            chunks.append(decode_bytes(chunk, charset))
        else:
            chunks.append(chunk)
    return "".join(chunks)


def decode_bytes(data: bytes, charset: str | None) -> str:
    for candidate in (charset, "utf-8"):
        if not candidate or candidate == "unknown-8bit":
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError, ValueError):
            continue
    return data.decode("latin-1")


def clean_line(value: str) -> str:
    return " ".join(_CONTROL.sub(" ", value).split())


class _Headers:
    """Header access that never raises: the modern parse, else the lenient compat32 one."""

    def __init__(self, modern: Message, legacy: Message) -> None:
        self.modern, self.legacy = modern, legacy

    def all(self, name: str) -> list[str]:
        try:
            values = self.modern.get_all(name) or []
            return [clean_line(str(v)) for v in values]
        except Exception:
            values = self.legacy.get_all(name) or []
            return [clean_line(decode_words(str(v))) for v in values]

    def first(self, name: str) -> str:
        values = self.all(name)
        return values[0] if values else ""

    def raw(self, name: str) -> str:
        return " ".join(str(v) for v in (self.legacy.get_all(name) or []))


def _message_ids(value: str) -> list[str]:
    found = _MSGID.findall(value)
    if found:
        return found
    # Some mailers omit the angle brackets around a lone id.
    bare = value.strip()
    return [bare] if bare and " " not in bare and "@" in bare else []


def _addresses(headers: _Headers, *names: str) -> list[tuple[str, str]]:
    values = [v for n in names for v in headers.all(n)]
    try:
        pairs = getaddresses(values)
    except Exception:
        return []
    return [(clean_line(name), addr.strip().lower()) for name, addr in pairs if "@" in addr]


def _part_charset(part: Message) -> str | None:
    try:
        return part.get_content_charset()
    except Exception:
        return None


def _part_payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "replace") if isinstance(raw, str) else b""


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    return clean_line(decode_words(name)) if "=?" in name else clean_line(name)


def _disposition(part: Message) -> str:
    try:
        return part.get_content_disposition() or ""
    except Exception:
        return ""


def _attached_message(part: Message) -> bytes:
    inner = part.get_payload()
    if isinstance(inner, list) and inner and isinstance(inner[0], Message):
        try:
            return inner[0].as_bytes()
        except Exception:  # a broken inner message is kept as its transfer bytes
            return _part_payload(part)
    return _part_payload(part)


def _walk(part: Message, mail: ParsedMail, depth: int = 0) -> None:
    ctype = part.get_content_type()
    if part.is_multipart() and ctype.startswith("multipart/") and depth < 30:
        payload = part.get_payload()
        for child in payload if isinstance(payload, list) else []:
            if isinstance(child, Message):
                _walk(child, mail, depth + 1)
        return
    if ctype == "message/rfc822" or part.is_multipart():
        data = _attached_message(part)
        name = _filename(part) or "attached-message.eml"
        mail.attachments.append(Part(name, "message/rfc822", data))
        return
    disposition, name = _disposition(part), _filename(part)
    is_body = disposition != "attachment" and not name and ctype in ("text/plain", "text/html")
    if is_body:
        text = decode_bytes(_part_payload(part), _part_charset(part))
        if ctype == "text/plain":
            mail.text = f"{mail.text}\n\n{text}" if mail.text else text
        else:
            mail.html = f"{mail.html}\n{text}" if mail.html else text
        return
    content_id = _MSGID.findall(part.get("Content-ID", "") or "")
    mail.attachments.append(
        Part(
            filename=name or _default_name(ctype, len(mail.attachments) + 1),
            content_type=ctype,
            data=_part_payload(part),
            content_id=content_id[0] if content_id else "",
            inline=disposition == "inline" or bool(content_id),
        )
    )


def _default_name(ctype: str, index: int) -> str:
    extension = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif"}.get(ctype, ".bin")
    return f"part-{index}{extension}"


def parse_mail(raw: bytes) -> ParsedMail:
    """Every field of the message that intake needs; never raises on malformed mail."""
    legacy = email.message_from_bytes(raw, policy=policy.compat32)
    modern: Message
    try:
        modern = email.message_from_bytes(raw, policy=policy.default)
    except Exception:
        modern = legacy
    headers = _Headers(modern, legacy)
    mail = ParsedMail()
    mail.headers = {k.lower(): headers.all(k) for k in dict.fromkeys(legacy.keys())}
    ids = _message_ids(headers.raw("Message-ID"))
    mail.message_id = ids[0] if ids else ""
    mail.in_reply_to = _message_ids(headers.raw("In-Reply-To"))
    mail.references = _message_ids(headers.raw("References"))
    mail.subject = headers.first("Subject")[:1000]
    senders = _addresses(headers, "From") or _addresses(headers, "Sender", "Return-Path")
    if senders:
        mail.from_name, mail.from_addr = senders[0]
    mail.recipients = [
        a for _, a in _addresses(headers, "To", "Cc", "Delivered-To", "X-Original-To")
    ]
    try:
        mail.date = parsedate_to_datetime(headers.raw("Date"))
    except Exception:
        mail.date = None
    mail.content_type = legacy.get_content_type()
    try:
        _walk(modern, mail)
    except Exception as exc:  # the legacy tree is simpler and fails on less
        mail.defects.append(f"modern parse failed: {type(exc).__name__}")
        mail.text, mail.html, mail.attachments = "", "", []
        _walk(legacy, mail)
    mail.defects.extend(type(d).__name__ for d in legacy.defects)
    return mail
