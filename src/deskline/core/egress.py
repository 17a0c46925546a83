"""Outbound HTTP calls to addresses an admin configures (bot-flow webhooks): the SSRF guard.

A URL an admin types must not turn the server into a proxy into its own network. A call goes
out only when the URL is http(s), its host is on the installation's allow-list
(`DESKLINE_OUTBOUND_ALLOWED_HOSTS`: exact names or `*.example.com`), and no address the host
resolves to is link-local (cloud metadata), multicast, reserved or unspecified, unless that
address itself is listed. Loopback and private addresses pass only when listed by name or
address (an intranet service the admin meant). Redirects are never followed: a reply that
points elsewhere is an error, so an allowed host cannot bounce the call to a forbidden one.
Every call also passes `core.outbound.may_send` (the sandbox keeps it in its log).

The name is resolved once: the connection goes to the address that was checked (the Host
header and, for https, the TLS server name and certificate check stay the URL's host), so a
DNS answer that changes between the check and the connect (DNS rebinding) cannot reach an
address the check refused. Environment proxies are not used for these calls.

Callers: the support bot's flow webhooks (`knowledge.bot_flows`) and the outgoing event
webhooks (`channels.webhooks`).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
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
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return [ipaddress.ip_address(host)]
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


def check_destination(url: str) -> str:
    """Raise EgressRefused unless `url` may be called (see the module docstring); the checked
    address to connect to (the host is resolved here, once)."""
    host = check_host(url)
    listed = allowed_hosts()
    addresses = _addresses(host)
    for address in addresses:
        if _forbidden(address) and str(address) not in listed:
            raise EgressRefused(f"{host} resolves to a forbidden address ({address})")
    if not addresses:
        raise EgressRefused(f"{host} does not resolve")
    return str(addresses[0])


def _dial(address: str, port: int, timeout: float | None) -> socket.socket:
    """A TCP connection to the numeric `address`: no name lookup happens here at all."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect((address, port))
    except BaseException:
        sock.close()
        raise
    return sock


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to `address`, whatever the name resolves to by now; Host: stays the name."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = _dial(self.address, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to `address`; the TLS server name and the certificate check are the URL's host."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self) -> None:
        sock = _dial(self.address, self.port, self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def _send(url: str, address: str, body: bytes, headers: dict[str, str], timeout: float) -> Reply:
    parts = urlsplit(url)
    host = parts.hostname or ""
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    kind = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
    connection = kind(host, port, address=address, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        status = int(response.status)
        if not 200 <= status < 300:  # redirects included: never followed
            return Reply(status, b"", f"HTTP {status}")
        return Reply(status, response.read(MAX_REPLY_BYTES))
    except (OSError, http.client.HTTPException) as exc:
        return Reply(None, b"", str(exc)[:500] or type(exc).__name__)
    finally:
        connection.close()


def sign(secret: str, body: bytes) -> str:
    """The HMAC-SHA256 signature header value of `body` (what the receiver recomputes)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(url: str, body: bytes, *, headers: dict[str, str], timeout: float) -> Reply:
    """POST `body` to `url` through the guard (allow-list, resolved once and checked, the
    connection pinned to the checked address, no redirects, the sandbox's `may_send`); never
    raises for network trouble or a refused URL (the Reply's error says why)."""
    try:
        address = check_destination(url)
    except EgressRefused as exc:
        return Reply(None, b"", str(exc))
    if not may_send(channel="webhook", recipient=url, body=body.decode("utf-8", "replace")):
        return Reply(200, b"{}")  # a sandbox logs the call and answers with an empty reply
    return _send(url, address, body, headers, timeout)


def post_json(
    url: str, payload: dict[str, Any], *, secret: str, timeout: float,
    headers: dict[str, str] | None = None,
) -> Reply:  # fmt: skip
    """POST `payload` as JSON to an allowed `url`, signed with `secret` in the
    `X-Deskline-Signature` header; never raises for network trouble."""
    body = json.dumps(payload, separators=(",", ":"), default=str).encode()
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(secret, body),
               "User-Agent": "Deskline/1", **(headers or {})}  # fmt: skip
    return post(url, body, headers=headers, timeout=timeout)
