"""A small client of the Telegram Bot API over plain HTTPS (httpx), as documented at
https://core.telegram.org/bots/api: every method is `POST <base>/bot<token>/<method>` with a
JSON body and answers `{"ok": true, "result": ...}` or `{"ok": false, "error_code": N,
"description": "...", "parameters": {"retry_after": S}}`; files are fetched from
`<base>/file/bot<token>/<file_path>` after `getFile`.

A 429 ("Too Many Requests") is waited out when `retry_after` is short and retried; a longer
one raises `BotApiError` with `retry_after`, so the outbox schedules the retry instead.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import httpx
from django.conf import settings

from deskline.core.outbound import may_send

#: The longest 429 wait done in place; longer ones go back to the caller.
MAX_INLINE_WAIT_SECONDS = 5
MAX_429_RETRIES = 3


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


class BotApiError(Exception):
    def __init__(self, description: str, *, error_code: int = 0, retry_after: int = 0) -> None:
        super().__init__(f"{error_code} {description}".strip())
        self.description = description
        self.error_code = error_code
        self.retry_after = retry_after


class FileTooLarge(BotApiError):
    pass


_pools: dict[int, httpx.Client] = {}


def _http() -> httpx.Client:
    """This process's HTTP client (kept alive: a new one per call built a TLS context, ~20 ms
    and far more on a busy machine, and a new connection each time; per process id, so a
    forked worker never shares a parent's sockets)."""
    pid = os.getpid()
    client = _pools.get(pid)
    if client is None:
        client = _pools[pid] = httpx.Client()
    return client


class TelegramClient:
    def __init__(
        self,
        token: str,
        *,
        base_url: str | None = None,
        timeout: float = 30.0,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.token = token
        self.base_url = (base_url or settings.DESKLINE_TELEGRAM_API_URL).rstrip("/")
        self.timeout = timeout
        self.sleep = sleep or _sleep

    def call(self, method: str, params: dict[str, Any] | None = None, *, wait: float = 0) -> Any:
        """The method's `result`; `wait` is extra read time (getUpdates' long poll)."""
        url = f"{self.base_url}/bot{self.token}/{method}"
        timeout = httpx.Timeout(self.timeout + wait, connect=10.0)
        for _attempt in range(MAX_429_RETRIES + 1):
            try:
                response = _http().post(url, json=params or {}, timeout=timeout)
            except httpx.HTTPError as exc:
                raise BotApiError(f"{method}: {type(exc).__name__}: {exc}") from exc
            try:
                data = response.json()
            except ValueError as exc:
                raise BotApiError(
                    f"{method}: not JSON (HTTP {response.status_code})",
                    error_code=response.status_code,
                ) from exc
            if data.get("ok"):
                return data.get("result")
            code = int(data.get("error_code") or response.status_code)
            retry_after = int((data.get("parameters") or {}).get("retry_after") or 0)
            error = BotApiError(
                f"{method}: {data.get('description', '')}", error_code=code, retry_after=retry_after
            )
            if code != 429 or retry_after > MAX_INLINE_WAIT_SECONDS:
                raise error
            self.sleep(max(retry_after, 1))
        raise error

    def get_me(self) -> dict[str, Any]:
        return dict(self.call("getMe"))

    def get_updates(self, *, offset: int, timeout: int = 25, limit: int = 100) -> list[Any]:
        params = {"offset": offset, "timeout": timeout, "limit": limit}
        return list(self.call("getUpdates", params, wait=timeout))

    def send_message(
        self,
        *,
        chat_id: int,
        text: str,
        reply_markup: dict[str, Any] | None = None,
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any] | None:
        """The sent message; None in a sandbox (logged, not sent)."""
        if not may_send(channel="telegram", recipient=str(chat_id), body=text):
            return None
        params: dict[str, Any] = {"chat_id": chat_id, "text": text[:4096]}
        if reply_markup:
            params["reply_markup"] = reply_markup
        if reply_to_message_id:
            params["reply_parameters"] = {
                "message_id": reply_to_message_id,
                "allow_sending_without_reply": True,
            }
        return dict(self.call("sendMessage", params))

    def answer_callback_query(self, *, callback_id: str, text: str = "") -> None:
        self.call("answerCallbackQuery", {"callback_query_id": callback_id, "text": text[:200]})

    def download(self, *, file_id: str, max_bytes: int) -> bytes:
        """The file's bytes (getFile, then the file URL); FileTooLarge over `max_bytes`."""
        info = self.call("getFile", {"file_id": file_id})
        size = info.get("file_size")
        if isinstance(size, int) and size > max_bytes:
            raise FileTooLarge(f"{size} bytes, over the limit of {max_bytes}")
        path = info.get("file_path")
        if not path:
            raise BotApiError("getFile: no file_path (the file is too big for the Bot API)")
        url = f"{self.base_url}/file/bot{self.token}/{path}"
        chunks: list[bytes] = []
        total = 0
        try:
            with httpx.stream("GET", url, timeout=self.timeout) as response:
                if response.status_code != 200:
                    raise BotApiError(f"file download: HTTP {response.status_code}")
                for chunk in response.iter_bytes():
                    total += len(chunk)
                    if total > max_bytes:
                        raise FileTooLarge(f"over the limit of {max_bytes} bytes")
                    chunks.append(chunk)
        except httpx.HTTPError as exc:
            raise BotApiError(f"file download: {type(exc).__name__}: {exc}") from exc
        return b"".join(chunks)

    def set_webhook(self, *, url: str, secret_token: str) -> None:
        self.call(
            "setWebhook",
            {
                "url": url,
                "secret_token": secret_token,
                "allowed_updates": ALLOWED_UPDATES,
            },
        )

    def delete_webhook(self) -> None:
        self.call("deleteWebhook", {"drop_pending_updates": False})


ALLOWED_UPDATES = [
    "message",
    "edited_message",
    "callback_query",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
]
