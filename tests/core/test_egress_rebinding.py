"""The SSRF guard resolves a name once and connects to the address it checked (DNS rebinding).

A fake resolver answers a public address first and loopback after: the call must go to the
public one (recorded, never reached: no network needed), never to the loopback server.
"""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from deskline.core import egress


@pytest.fixture
def loopback_server() -> Iterator[tuple[int, list[dict[str, str]]]]:
    seen: list[dict[str, str]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(dict(self.headers))
            body = b'{"ok": true}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], seen
    server.shutdown()
    server.server_close()


def _answers(*addresses: str) -> Any:
    """A resolver giving the next address at each call (the last one from then on)."""
    calls: list[str] = []

    def getaddrinfo(host: str, *args: Any, **kwargs: Any) -> list[Any]:
        address = addresses[min(len(calls), len(addresses) - 1)]
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 0))]

    getaddrinfo.calls = calls  # type: ignore[attr-defined]
    return getaddrinfo


def test_a_second_resolution_to_loopback_is_never_used(
    settings: Any, monkeypatch: pytest.MonkeyPatch, loopback_server: Any
) -> None:
    port, seen = loopback_server
    settings.DESKLINE_OUTBOUND_ALLOWED_HOSTS = ["hooks.example.com"]
    resolver = _answers("93.184.216.34", "127.0.0.1")
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    dialled: list[tuple[str, int]] = []

    def dial(address: str, port: int, timeout: float | None) -> Any:
        dialled.append((address, port))
        raise ConnectionRefusedError("no network in tests")

    monkeypatch.setattr(egress, "_dial", dial)
    reply = egress.post_json(f"http://hooks.example.com:{port}/hook", {"a": 1}, secret="s",
                             timeout=2)  # fmt: skip
    assert dialled == [("93.184.216.34", port)]  # the checked address, not a new answer
    assert resolver.calls == ["hooks.example.com"]  # resolved once
    assert seen == [] and not reply.ok and "no network" in reply.error


def test_the_pinned_call_reaches_the_checked_address_with_the_name_as_host(
    settings: Any, monkeypatch: pytest.MonkeyPatch, loopback_server: Any
) -> None:
    port, seen = loopback_server
    settings.DESKLINE_OUTBOUND_ALLOWED_HOSTS = ["intranet.example.com", "127.0.0.1"]
    resolver = _answers("127.0.0.1", "10.9.9.9")
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    reply = egress.post_json(f"http://intranet.example.com:{port}/hook?x=1", {"a": 1},
                             secret="s", timeout=5)  # fmt: skip
    assert reply.ok and reply.body == b'{"ok": true}'
    assert resolver.calls == ["intranet.example.com"]
    assert seen[0]["Host"] == f"intranet.example.com:{port}"
    assert seen[0][egress.SIGNATURE_HEADER].startswith("sha256=")


def test_a_first_answer_forbidden_is_refused_before_any_connection(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DESKLINE_OUTBOUND_ALLOWED_HOSTS = ["hooks.example.com"]
    monkeypatch.setattr(socket, "getaddrinfo", _answers("169.254.169.254", "93.184.216.34"))
    dialled: list[object] = []
    monkeypatch.setattr(egress, "_dial", lambda *a: dialled.append(a))
    reply = egress.post_json("http://hooks.example.com/hook", {}, secret="s", timeout=1)
    assert not reply.ok and "forbidden address" in reply.error and dialled == []
