"""Per-process cache of reference data: statuses, priorities, types, SLA policies, calendars, rules.

Creating a ticket reads a dozen small configuration tables that change a few times a month.
Each process keeps what it loaded here, stamped with the token it read from the one row of
`ReferenceGeneration`. A save or delete of any watched model (see `watch`) writes a new random
token and empties this process's cache; other processes notice the new token at their next
check and reload. The token is random rather than a counter so that a change rolled back after
somebody cached it can never make that cache look current again.

The token is read once per HTTP request (the first lookup after `request_started`) and, outside
requests (workers, commands, tests calling services), at every lookup: one indexed one-row
SELECT instead of the several queries each cached value costs to load.

Cached values are shared between threads and requests: treat them as read-only.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.core.signals import request_finished, request_started
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.timezone import now

T = TypeVar("T")
ROW_ID = 1

_lock = threading.Lock()
_entries: dict[Hashable, Any] = {}
_token: str | None = None
_local = threading.local()


def _read_token() -> str:
    from deskline.core.models import ReferenceGeneration

    token = ReferenceGeneration.objects.filter(pk=ROW_ID).values_list("token", flat=True).first()
    return token or ""


def _current_token() -> str:
    checked: str | None = getattr(_local, "checked", None)
    if checked is not None:
        return checked
    token = _read_token()
    if getattr(_local, "in_request", False):
        _local.checked = token
    return token


def cached(key: Hashable, load: Callable[[], T]) -> T:
    """The value cached under `key`, loading it with `load()` when the token has changed."""
    global _token, _entries
    token = _current_token()
    with _lock:
        if token != _token:
            _entries, _token = {}, token
        if key in _entries:
            value: T = _entries[key]
            return value
    value = load()
    with _lock:
        if token == _token:
            _entries[key] = value
    return value


def clear() -> None:
    """Forget everything this process cached (the next lookup re-reads the token)."""
    global _token, _entries
    with _lock:
        _entries, _token = {}, None
    _local.checked = None


def bump() -> None:
    """Announce a change of reference data to every process (inside the caller's transaction)."""
    from deskline.core.models import ReferenceGeneration

    token = secrets.token_hex(16)
    if not ReferenceGeneration.objects.filter(pk=ROW_ID).update(token=token, changed_at=now()):
        ReferenceGeneration.objects.update_or_create(pk=ROW_ID, defaults={"token": token})
    clear()


def _on_change(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loaddata: the fixture sets the data as a whole
        return
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    bump()


def watch(*watched: type[models.Model]) -> None:
    """Bump the token on every save, delete and many-to-many change of these models."""
    for model in watched:
        uid = f"refcache:{model._meta.label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid + ":delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_on_change, sender=through, dispatch_uid=uid + ":" + field.name)


def request_started_handler(**_: Any) -> None:
    _local.in_request, _local.checked = True, None


def request_finished_handler(**_: Any) -> None:
    _local.in_request, _local.checked = False, None


request_started.connect(request_started_handler, dispatch_uid="refcache:request_started")
request_finished.connect(request_finished_handler, dispatch_uid="refcache:request_finished")
