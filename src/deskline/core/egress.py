"""Outbound HTTP calls to addresses an admin configures (bot-flow webhooks): the SSRF guard.

A URL an admin types must not turn the server into a proxy into its own network. A call goes
out only when the URL is http(s), its host is on the installation's allow-list
(`DESKLINE_OUTBOUND_ALLOWED_HOSTS`: exact names or `*.example.com`), and no address the host
resolves to is link-local (cloud metadata), multicast, reserved or unspecified, unless that
address itself is listed. Loopback and private addresses pass only when listed by name or
address (an intranet service the admin meant). Redirects are never followed: a reply that
points elsewhere is an error, so an allowed host cannot bounce the call to a forbidden one.
Every call also passes `core.outbound.may_send` (the sandbox keeps it in its log).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from deskline.core.outbound import may_send

SIGNATURE_HEADER = "X-Deskline-Signature"
#: Largest reply body read (a reply is a small JSON object).
MAX_REPLY_BYTES = 64 * 1024


class EgressRefused(ValueError):
    """The URL may not be called; the message says why."""


@dataclass(frozen=True)
class Reply:
    status: int | None
    body: bytes
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def allowed_hosts() -> list[str]:
    return [h.strip().lower() for h in settings.DESKLINE_OUTBOUND_ALLOWED_HOSTS if h.strip()]


def host_listed(host: str, listed: list[str]) -> bool:
    host = host.lower().rstrip(".")
    for entry in listed:
        if entry.startswith("*.") and host.endswith(entry[1:]):
            return True
        if host == entry:
            return True
    return False


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise EgressRefused(f"{host} does not resolve") from exc
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def _forbidden(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (
        address.is_link_local or address.is_multicast or address.is_reserved
        or address.is_unspecified
    )  # fmt: skip


def check_host(url: str) -> str:
    """Raise EgressRefused unless `url` is http(s) to a listed host; the host. (What a form
    checks when the URL is saved; `check_destination` also checks where it resolves to.)"""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EgressRefused("only http and https URLs with a host are allowed")
    if parts.username or parts.password:
        raise EgressRefused("credentials in the URL are not allowed")
    if not host_listed(parts.hostname, allowed_hosts()):
        raise EgressRefused(f"{parts.hostname} is not in DESKLINE_OUTBOUND_ALLOWED_HOSTS")
    return parts.hostname


def check_destination(url: str) -> None:
    """Raise EgressRefused unless `url` may be called (see the module docstring)."""
    host = check_host(url)
    listed = allowed_hosts()
    for address in _addresses(host):
        if _forbidden(address) and str(address) not in listed:
            raise EgressRefused(f"{host} resolves to a forbidden address ({address})")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx reaches the caller as an HTTPError


_opener = urllib.request.build_opener(_NoRedirects)


def sign(secret: str, body: bytes) -> str:
    """The HMAC-SHA256 signature header value of `body` (what the receiver recomputes)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_json(
    url: str, payload: dict[str, Any], *, secret: str, timeout: float,
    headers: dict[str, str] | None = None,
) -> Reply:  # fmt: skip
    """POST `payload` as JSON to an allowed `url`, signed with `secret` in the
    `X-Deskline-Signature` header; never raises for network trouble."""
    body = json.dumps(payload, separators=(",", ":"), default=str).encode()
    headers = {SIGNATURE_HEADER: sign(secret, body), "User-Agent": "Deskline/1", **(headers or {})}
    try:
        check_destination(url)
    except EgressRefused as exc:
        return Reply(None, b"", str(exc))
    if not may_send(channel="webhook", recipient=url, body=body.decode()):
        return Reply(200, b"{}")  # a sandbox logs the call and answers with an empty reply
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url, data=body, method="POST",
        headers={"Content-Type": "application/json", **headers},
    )  # fmt: skip
    try:
        with _opener.open(request, timeout=timeout) as response:
            return Reply(int(response.status), response.read(MAX_REPLY_BYTES))
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, b"", f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError) as exc:
        return Reply(None, b"", str(getattr(exc, "reason", exc))[:500])
