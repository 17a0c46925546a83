"""The admin audit log: every configuration change made through the admin or the API.

Configuration is what `config_transfer.MODELS` names, plus logins and teams, mailboxes, webhook
subscriptions and the reply templates' neighbours that an admin edits. A change is recorded when
it happens inside a web request (the request middleware keeps the request in a context
variable), with who made it, the request id, and each changed field before and after; secret
fields are recorded as "(changed)", never their values. Commands and migrations are not web
requests and are not recorded here (their own output and the shell history tell).
"""

from __future__ import annotations

import contextvars
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpRequest
from django.utils import timezone

from deskline.operations.config_transfer import MODELS as CONFIG_MODELS
from deskline.operations.logs import REQUEST_ID
from deskline.operations.models import AuditEntry

CURRENT_REQUEST: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "audit_request", default=None
)
AUDITED = (*CONFIG_MODELS, "accounts.User", "accounts.Team", "channels.Mailbox",
           "channels.WebhookSubscription")  # fmt: skip
SECRET_FIELDS = frozenset({"password", "secret", "password_sealed", "oauth_token_sealed",
                           "oauth_refresh_sealed", "push_token_digest"})  # fmt: skip
IGNORED_FIELDS = frozenset({"last_login", "updated_at"})
_BEFORE = "_audit_before"


def _values(row: Model) -> dict[str, Any]:
    return {
        f.name: f.value_from_object(row)
        for f in row._meta.concrete_fields
        if f.name not in IGNORED_FIELDS
    }


def _shown(field: str, value: Any) -> Any:
    if field in SECRET_FIELDS:
        return "(set)" if value else ""
    return (
        value
        if isinstance(value, str | int | float | bool | list | dict | type(None))
        else str(value)
    )


def _remember(sender: type[Model], instance: Model, raw: bool = False, **_: Any) -> None:
    if raw or CURRENT_REQUEST.get() is None or instance.pk is None:
        return
    current = sender._default_manager.filter(pk=instance.pk).first()
    setattr(instance, _BEFORE, _values(current) if current is not None else None)


def _entry(instance: Model, action: str, changes: dict[str, list[Any]]) -> None:
    request = CURRENT_REQUEST.get()
    if request is None:
        return
    user = getattr(request, "user", None)
    actor = user if user is not None and getattr(user, "is_authenticated", False) else None
    AuditEntry.objects.create(
        at=timezone.now(), actor=actor, actor_name=getattr(actor, "username", "")[:150],
        action=action, model=instance._meta.label, object_id=str(instance.pk)[:64],
        object_repr=str(instance)[:200], changes=changes, request_id=REQUEST_ID.get()[:128],
        path=request.path[:300],
    )  # fmt: skip


def _record_save(sender: type[Model], instance: Model, created: bool, raw: bool = False,
                 **_: Any) -> None:  # fmt: skip
    if raw or CURRENT_REQUEST.get() is None:
        return
    before = getattr(instance, _BEFORE, None)
    after = _values(instance)
    if created or before is None:
        _entry(instance, "created", {k: [None, _shown(k, v)] for k, v in after.items()})
        return
    changes = {
        k: [_shown(k, before.get(k)), _shown(k, v)] if k not in SECRET_FIELDS else ["", "(changed)"]
        for k, v in after.items()
        if before.get(k) != v
    }
    if changes:
        _entry(instance, "changed", changes)


def _record_delete(sender: type[Model], instance: Model, **_: Any) -> None:
    if CURRENT_REQUEST.get() is not None:
        _entry(instance, "deleted", {})


def audit_connect() -> None:
    for label in AUDITED:
        model = apps.get_model(label)
        uid = f"audit:{label}"
        pre_save.connect(_remember, sender=model, dispatch_uid=uid)
        post_save.connect(_record_save, sender=model, dispatch_uid=uid)
        post_delete.connect(_record_delete, sender=model, dispatch_uid=uid)
