"""An SMS gateway request built from its templates, and its answer judged (pure, no I/O).

The admin describes any HTTP SMS gateway by a URL template and, for POST, a body template with
the placeholders `{phone}` and `{text}`. Each placeholder is escaped for where it stands: URL
encoding in the URL and in a form body, JSON string escaping in a JSON body, nothing in plain
text. Success is an HTTP status in the configured set and, when set, a text in the answer.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass, field

PLACEHOLDERS = ("{phone}", "{text}")
_STATUS_PART = re.compile(r"^\s*(\d{3})\s*(?:-\s*(\d{3})\s*)?$")
_CONTENT_TYPES = {
    "form": "application/x-www-form-urlencoded",
    "json": "application/json",
    "text": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class GatewayRequest:
    method: str
    url: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


def _fill(template: str, values: dict[str, str], escape: object) -> str:
    out = template
    for name, value in values.items():
        out = out.replace("{" + name + "}", escape(value))  # type: ignore[operator]
    return out


def _json_escape(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def sms_phone(e164: str, phone_format: str) -> str:
    """The number as the gateway wants it: `+79123456789` or `79123456789`."""
    return e164.lstrip("+") if phone_format == "digits" else e164


def sms_text(subject: str, body: str, max_length: int) -> str:
    """The message: the subject, then the body, cut at `max_length` characters."""
    text = "\n".join(p.strip() for p in (subject, body) if p and p.strip())
    text = re.sub(r"\n{3,}", "\n\n", text)
    if max_length and len(text) > max_length:
        text = text[: max(max_length - 1, 0)].rstrip() + "…"
    return text


def build_request(
    *,
    method: str,
    url_template: str,
    body_template: str,
    body_type: str,
    phone: str,
    text: str,
) -> GatewayRequest:
    """The HTTP request for one SMS (without authentication, which the sender adds)."""
    values = {"phone": phone, "text": text}
    url = _fill(url_template, values, lambda v: urllib.parse.quote(v, safe="+"))
    if method.upper() == "GET" or not body_template:
        return GatewayRequest(method=method.upper(), url=url)
    if body_type == "json":
        body = _fill(body_template, values, _json_escape)
    elif body_type == "form":
        body = _fill(body_template, values, lambda v: urllib.parse.quote_plus(v))
    else:
        body = _fill(body_template, values, str)
    headers = {"Content-Type": _CONTENT_TYPES.get(body_type, _CONTENT_TYPES["text"])}
    return GatewayRequest(method=method.upper(), url=url, body=body.encode(), headers=headers)


def parse_statuses(spec: str) -> list[tuple[int, int]]:
    """`200-299,302` as ranges; ValueError when unreadable."""
    ranges = []
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        match = _STATUS_PART.match(part)
        if match is None:
            raise ValueError(f"not a status or range: {part.strip()!r}")
        low = int(match.group(1))
        ranges.append((low, int(match.group(2) or low)))
    if not ranges:
        raise ValueError("no status given")
    return ranges


def is_success(*, status: int, answer: str, statuses: str, contains: str) -> bool:
    """Whether the gateway's answer means the SMS was accepted."""
    if not any(low <= status <= high for low, high in parse_statuses(statuses)):
        return False
    return not contains or contains in answer


def template_errors(*, url: str, body: str, statuses: str) -> dict[str, str]:
    """What is wrong with a gateway's settings, by field (empty when fine)."""
    errors: dict[str, str] = {}
    parsed = urllib.parse.urlsplit(url.replace("{phone}", "1").replace("{text}", "t"))
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        errors["url_template"] = "an http:// or https:// URL"
    if "{phone}" not in url + body:
        errors["body_template" if body else "url_template"] = "{phone} must appear in it"
    try:
        parse_statuses(statuses)
    except ValueError as exc:
        errors["success_statuses"] = str(exc)
    return errors
