"""A fake Telegram Bot API on loopback, written from https://core.telegram.org/bots/api.

A real HTTP server: `POST /bot<token>/<method>` with a JSON body answers
`{"ok": true, "result": ...}` or `{"ok": false, "error_code": N, "description": "...",
"parameters": {"retry_after": S}}`; `GET /file/bot<token>/<file_path>` serves a file.
getUpdates follows the documented offset rule: updates with an id below `offset` are confirmed
and forgotten, the rest are returned (up to `limit`) until confirmed, so a client that does
not advance its offset gets the same updates again.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "123456:TEST-token_abc"  # noqa: S105 - a fake bot's token


@dataclass
class FakeBotApi:
    token: str = TOKEN
    updates: list[dict[str, Any]] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    #: method -> retry_after: the next call of the method answers 429 once.
    throttle: dict[str, int] = field(default_factory=dict)
    webhook: dict[str, Any] = field(default_factory=dict)
    next_message_id: int = 1000
    base_url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, update: dict[str, Any]) -> None:
        with self.lock:
            self.updates.append(update)

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.calls.append((method, params))
            retry_after = self.throttle.pop(method, None)
            if retry_after is not None:
                return 429, {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry_after}",
                    "parameters": {"retry_after": retry_after},
                }
            handler = getattr(self, f"_{method}", None)
            if handler is None:
                return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            return 200, {"ok": True, "result": handler(params)}

    def _getMe(self, params: dict[str, Any]) -> Any:  # noqa: N802 - Bot API method names
        return {"id": 123456, "is_bot": True, "first_name": "Desk", "username": "desk_bot"}

    def _getUpdates(self, params: dict[str, Any]) -> Any:  # noqa: N802
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        return sorted(self.updates, key=lambda u: u["update_id"])[:limit]

    def _sendMessage(self, params: dict[str, Any]) -> Any:  # noqa: N802
        self.next_message_id += 1
        self.sent.append(params)
        return {
            "message_id": self.next_message_id,
            "date": 1764820000,
            "chat": {"id": params["chat_id"], "type": "private"},
            "from": {"id": 123456, "is_bot": True, "first_name": "Desk"},
            "text": params.get("text", ""),
        }

    def _answerCallbackQuery(self, params: dict[str, Any]) -> Any:  # noqa: N802
        return True

    def _getFile(self, params: dict[str, Any]) -> Any:  # noqa: N802
        file_id = params["file_id"]
        data = self.files.get(file_id, b"")
        return {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_size": len(data),
            "file_path": f"documents/{file_id}",
        }

    def _setWebhook(self, params: dict[str, Any]) -> Any:  # noqa: N802
        self.webhook = params
        return True

    def _deleteWebhook(self, params: dict[str, Any]) -> Any:  # noqa: N802
        self.webhook = {}
        return True


def _handler(api: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _reply(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            prefix, _sep, method = self.path.lstrip("/").partition("/")
            if prefix != f"bot{api.token}":
                status, answer = (
                    401,
                    {"ok": False, "error_code": 401, "description": "Unauthorized"},
                )
            else:
                status, answer = api.answer(method, body)
            self._reply(status, json.dumps(answer).encode(), "application/json")

        def do_GET(self) -> None:  # noqa: N802
            expected = f"/file/bot{api.token}/documents/"
            file_id = self.path[len(expected) :] if self.path.startswith(expected) else None
            if file_id is None or file_id not in api.files:
                self._reply(404, b"Not Found", "text/plain")
                return
            self._reply(200, api.files[file_id], "application/octet-stream")

    return Handler


class FakeBotApiServer:
    def __init__(self) -> None:
        self.api = FakeBotApi()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.api))
        self.api.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeBotApi:
        self.thread.start()
        return self.api

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- update builders (the documented Update / Message / CallbackQuery objects) ---------------


def message(
    update_id: int,
    chat_id: int,
    text: str = "",
    *,
    message_id: int | None = None,
    kind: str = "message",
    **extra: Any,
) -> dict[str, Any]:
    msg: dict[str, Any] = {
        "message_id": message_id if message_id is not None else update_id,
        "date": 1764820000,
        "chat": {"id": chat_id, "type": "private", "first_name": "Anna"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Anna", "username": "anna"},
    }
    if text:
        msg["text"] = text
    msg.update(extra)
    return {"update_id": update_id, kind: msg}


def callback(update_id: int, chat_id: int, data: str, message_id: int = 1) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cb{update_id}",
            "from": {"id": chat_id, "is_bot": False, "first_name": "Anna"},
            "chat_instance": "1",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": 1764820000,
                "chat": {"id": chat_id, "type": "private"},
            },
        },
    }
