"""A fake Zammad on loopback answering the documented REST API shapes (zammad-documentation:
api/intro.rst, api/ticket/index.rst, api/ticket/articles.rst): token authentication, tickets
with `expand=true` names, pages of `per_page`, articles by ticket, users, attachments."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN = "s3cr3t-token"


@dataclass
class ZammadData:
    tickets: list[dict[str, Any]] = field(default_factory=list)
    articles: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    files: dict[int, bytes] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)


def _ticket(tid: int, number: str, title: str, state: str, priority: str, group: str,
            customer: int, owner: int, created: str, updated: str,
            close_at: str | None = None) -> dict[str, Any]:  # fmt: skip
    return {
        "id": tid, "group_id": 1, "priority_id": 2, "state_id": 1, "organization_id": 3,
        "number": number, "title": title, "owner_id": owner, "customer_id": customer,
        "note": None, "first_response_at": None, "close_at": close_at,
        "last_contact_at": updated, "article_count": 2, "pending_time": None,
        "preferences": {}, "updated_by_id": customer, "created_by_id": customer,
        "created_at": created, "updated_at": updated, "group": group, "state": state,
        "priority": priority, "organization": "Awesome Customer Inc.",
        "owner": "-" if owner == 1 else "chris@chrispresso.com", "customer": "samuel@example.com",
        "create_article_type": "email", "create_article_sender": "Customer",
    }  # fmt: skip


def _article(aid: int, tid: int, sender: str, body: str, created: str, *, internal: bool = False,
             kind: str = "email", content_type: str = "text/html", by: str = "samuel@example.com",
             sender_from: str = "Samuel Lopez <samuel@example.com>",
             attachments: list[dict[str, Any]] | None = None) -> dict[str, Any]:  # fmt: skip
    return {
        "id": aid, "ticket_id": tid, "from": sender_from, "to": "", "cc": "",
        "subject": "", "body": body, "content_type": content_type, "type": kind,
        "sender": sender, "internal": internal, "message_id": f"<{aid}@zammad.example>",
        "created_by": by, "created_by_id": 6, "attachments": attachments or [],
        "created_at": created, "updated_at": created,
    }  # fmt: skip


def sample() -> ZammadData:
    d = ZammadData()
    d.users[6] = {"id": 6, "organization_id": 3, "login": "samuel@example.com",
                  "firstname": "Samuel", "lastname": "Lopez", "email": "samuel@example.com",
                  "phone": "", "organization": "Awesome Customer Inc."}  # fmt: skip
    d.users[3] = {"id": 3, "organization_id": 2, "login": "chris@chrispresso.com",
                  "firstname": "Christopher", "lastname": "Miller",
                  "email": "chris@chrispresso.com", "organization": "Chrispresso Inc."}  # fmt: skip
    d.users[1] = {"id": 1, "login": "-", "firstname": "-", "lastname": "", "email": ""}
    d.tickets.append(_ticket(1, "71001", "Order 787556", "closed", "2 normal", "Sales", 6, 3,
                             "2021-02-24T14:44:43.828Z", "2021-07-26T14:44:43.906Z",
                             close_at="2021-02-26T12:44:43.888Z"))  # fmt: skip
    d.articles[1] = [
        _article(5, 1, "Customer", "<p>Where is my order?</p>", "2021-02-24T14:44:43.828Z",
                 attachments=[{"id": 123, "filename": "invoice.txt", "size": 7,
                               "preferences": {"Mime-Type": "text/plain"}},
                              {"id": 124, "filename": "44.2@zammad.example.com", "size": 3,
                               "preferences": {"Mime-Type": "image/png",
                                               "Content-ID": "44.2@zammad.example.com",
                                               "Content-Disposition": "inline"}}]),
        _article(7, 1, "Agent", "Internal: check the warehouse", "2021-02-25T09:00:00.000Z",
                 internal=True, kind="note", content_type="text/plain",
                 by="chris@chrispresso.com", sender_from="Christopher Miller"),
        _article(6, 1, "Agent", "<p>Shipped today</p>", "2021-02-26T12:44:43.888Z",
                 by="chris@chrispresso.com", sender_from="Christopher Miller",
                 attachments=[{"id": 125, "filename": "tracking.txt", "size": 5,
                               "preferences": {"Mime-Type": "text/plain"}}]),
    ]  # fmt: skip
    d.files.update({123: b"invoice", 124: b"png", 125: b"TRACK"})
    d.tickets.append(_ticket(2, "71002", "Heads up", "pending reminder", "3 high",
                             "Service Desk", 6, 1, "2021-11-03T02:57:19.216Z",
                             "2021-11-03T17:48:52.730Z"))  # fmt: skip
    d.articles[2] = [_article(20, 2, "Customer", "Our printer is smoking",
                              "2021-11-03T02:57:19.216Z", content_type="text/plain")]  # fmt: skip
    for number in range(3, 6):  # more than one page with per_page=2
        d.tickets.append(_ticket(number, f"7100{number}", f"Question {number}", "new",
                                 "1 low", "Sales", 6, 1, "2021-12-01T10:00:00.000Z",
                                 "2021-12-01T10:00:00.000Z"))  # fmt: skip
        d.articles[number] = [_article(100 + number, number, "Customer", f"Q{number}",
                                       "2021-12-01T10:00:00.000Z")]  # fmt: skip
    return d


class _Handler(BaseHTTPRequestHandler):
    data: ZammadData

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self.data.requests.append(self.path)
        if self.headers.get("Authorization") != f"Token token={TOKEN}":
            return self._send(401, {"error": "authentication failed"})
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        parts = url.path.strip("/").split("/")[2:]  # after api/v1
        if parts == ["tickets"]:
            page, per = int(query.get("page", 1)), int(query.get("per_page", 50))
            rows = sorted(self.data.tickets, key=lambda t: t["id"])
            return self._send(200, rows[(page - 1) * per : page * per])
        if parts[:2] == ["ticket_articles", "by_ticket"]:
            return self._send(200, self.data.articles.get(int(parts[2]), []))
        if parts[0] == "users" and int(parts[1]) in self.data.users:
            return self._send(200, self.data.users[int(parts[1])])
        if parts[0] == "ticket_attachment" and int(parts[3]) in self.data.files:
            body = self.data.files[int(parts[3])]
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None
        return self._send(404, {"error": "Not Found"})

    def _send(self, status: int, payload: Any) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def fake_zammad(data: ZammadData) -> Iterator[str]:
    handler = type("Handler", (_Handler,), {"data": data})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
