"""Per-process cache of reference data: statuses, priorities, types, SLA policies, calendars, rules.

Creating a ticket reads a dozen small configuration tables that change a few times a month.
Each process keeps what it loaded here, stamped with the token it read from the one row of
`ReferenceGeneration`. A save or delete of any watched model (see `watch`) writes a new random
token and empties this process's cache; other processes notice the new token at their next
check and reload. The token is random rather than a counter so that a change rolled back after
somebody cached it can never make that cache look current again.

The token is read at most once per `CHECK_SECONDS` (setting `DESKLINE_REFERENCE_CHECK_SECONDS`,
default 1) by each process, so another process's change is seen within that time; a change
made in this process empties its cache at once. One indexed one-row SELECT a second replaces
the several queries each cached value costs to load on every request. Inside a transaction
that changed reference data the token is read at every lookup, and if that transaction rolls
back the next lookup outside it starts afresh, so uncommitted values never outlive it.

Cached values are shared between threads and requests: treat them as read-only.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.timezone import now

T = TypeVar("T")
ROW_ID = 1

_lock = threading.Lock()
_entries: dict[Hashable, Any] = {}
_token: str | None = None
_checked: tuple[str, float] | None = None  # (token, monotonic time it was read)
_local = threading.local()  # .changing: this thread's open transaction changed reference data


def _read_token() -> str:
    from deskline.core.models import ReferenceGeneration

    token = ReferenceGeneration.objects.filter(pk=ROW_ID).values_list("token", flat=True).first()
    return token or ""


def _check_seconds() -> float:
    return float(getattr(settings, "DESKLINE_REFERENCE_CHECK_SECONDS", 1.0))


def _current_token() -> str:
    global _checked
    if getattr(_local, "changing", False):
        if connection.in_atomic_block:
            return _read_token()  # this transaction changed the data: never memoize
        clear()  # it rolled back (a commit resets the flag through on_commit)
    checked, now = _checked, time.monotonic()
    if checked is not None and now - checked[1] < _check_seconds():
        return checked[0]
    token = _read_token()
    _checked = (token, now)
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
    global _token, _entries, _checked
    with _lock:
        _entries, _token, _checked = {}, None, None
    _local.changing = False


def bump() -> None:
    """Announce a change of reference data to every process (inside the caller's transaction)."""
    from deskline.core.models import ReferenceGeneration

    token = secrets.token_hex(16)
    if not ReferenceGeneration.objects.filter(pk=ROW_ID).update(token=token, changed_at=now()):
        ReferenceGeneration.objects.update_or_create(pk=ROW_ID, defaults={"token": token})
    clear()
    if connection.in_atomic_block:
        _local.changing = True
        transaction.on_commit(clear)


def _on_change(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loaddata: the fixture sets the data as a whole
        return
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    bump()


def _on_save_of_fields(fields: frozenset[str], creates: bool) -> Callable[..., None]:
    def on_save(sender: Any, **kwargs: Any) -> None:
        if kwargs.get("created") and not creates:
            return
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not fields.intersection(update_fields):
            return
        _on_change(sender, **kwargs)

    return on_save


def watch_fields(
    model: type[models.Model], fields: frozenset[str], *, creates: bool = True
) -> None:
    """Like `watch`, for a model saved often for other reasons (a user's `last_login`): a save
    that names its `update_fields` bumps the token only when one of `fields` is among them.
    Without `creates`, a new row does not bump it (a new user is in no team yet)."""
    uid = f"refcache:{model._meta.label}:fields"
    receiver = _on_save_of_fields(frozenset(fields), creates)
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=uid + ":save")
    post_delete.connect(_on_change, sender=model, dispatch_uid=uid + ":delete")


def watch(*watched: type[models.Model]) -> None:
    """Bump the token on every save, delete and many-to-many change of these models."""
    for model in watched:
        uid = f"refcache:{model._meta.label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid + ":delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_on_change, sender=through, dispatch_uid=uid + ":" + field.name)
