"""Per-process cache of API token lookups, trusted for `DESKLINE_TOKEN_CACHE_SECONDS`.

Every API request authenticates its Bearer token; reading the token and its user costs one
joined query, about a tenth of a ticket create. A hit within the window skips it.

- A revocation, a token change and any change to a user empty this process's cache at once
  (signals, connected in `AccountsConfig.ready`).
- Another process's revocation or deactivation is seen within the window (default 1 second).
- Only token digests are kept, never tokens. Each request gets its own copy of the user, so one
  request can't change what another sees.
- Unknown or revoked tokens are not cached: each refusal asks the database again.
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings

from deskline.accounts.models import User


@dataclass
class Entry:
    token_id: int
    user: User
    last_used_at: datetime | None
    read_at: float


_lock = threading.Lock()
_entries: dict[str, Entry] = {}
#: Bounds memory when many distinct tokens are used; the cache is simply emptied when full.
MAX_ENTRIES = 10_000


def _seconds() -> float:
    return float(getattr(settings, "DESKLINE_TOKEN_CACHE_SECONDS", 1.0))


def get(digest: str) -> Entry | None:
    """The cached entry for a digest if it is still within the window (the user is a copy)."""
    entry = _entries.get(digest)
    if entry is None or time.monotonic() - entry.read_at >= _seconds():
        return None
    return Entry(entry.token_id, copy.copy(entry.user), entry.last_used_at, entry.read_at)


def put(digest: str, token_id: int, user: User, last_used_at: datetime | None) -> None:
    if _seconds() <= 0:
        return
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[digest] = Entry(token_id, copy.copy(user), last_used_at, time.monotonic())


def touched(digest: str, at: datetime) -> None:
    """Remember that the token's last use was just written."""
    entry = _entries.get(digest)
    if entry is not None:
        entry.last_used_at = at


def clear(*_: Any, **__: Any) -> None:
    """Forget every lookup (also usable as a signal receiver)."""
    with _lock:
        _entries.clear()
