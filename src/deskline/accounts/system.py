"""The service users that background work acts as (the ticket services need an actor).

Each is a real, unusable-password login flagged `is_system`, created on first use, so history
says "Automation" or "SLA" rather than nobody. System users are never offered as assignees,
observers or logins.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from deskline.accounts.models import User
from deskline.core.roles import Role

#: name -> (username, display name)
SYSTEM_USERS = {
    "routing": ("deskline-routing", "Routing"),
    "automation": ("deskline-automation", "Automation"),
    "sla": ("deskline-sla", "SLA"),
    "import": ("deskline-import", "Import"),
    "mail": ("deskline-mail", "Mail intake"),
    "phone": ("deskline-phone", "Telephony"),
    "monitoring": ("deskline-monitoring", "Monitoring"),
    "survey": ("deskline-survey", "Client survey"),
    "maintenance": ("deskline-maintenance", "Planned maintenance"),
    "telegram": ("deskline-telegram", "Telegram intake"),
    "bot": ("deskline-bot", "Support bot"),
    "triage": ("deskline-triage", "Triage"),
}
_ids: dict[str, int] = {}


def system_user(name: str) -> User:
    """The service user `name` ("routing", "automation", "sla"), created on first use."""
    username, display = SYSTEM_USERS[name]
    user_id = _ids.get(name)
    user = User.objects.filter(pk=user_id, username=username).first() if user_id else None
    if user is None:
        user = User.objects.filter(username=username).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User(username=username, first_name=display, role=Role.ADMIN, is_system=True)
                user.set_unusable_password()
                user.save()
        except IntegrityError:  # created by a concurrent transaction
            user = User.objects.get(username=username)
    _ids[name] = user.pk
    return user


def is_system_user(user_id: int | None, name: str) -> bool:
    return user_id is not None and user_id == system_user(name).pk
