"""The service users that routing and automation act as (the ticket services need an actor)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from deskline.accounts.models import Role, User

ROUTING_USERNAME = "deskline-routing"
AUTOMATION_USERNAME = "deskline-automation"

_cache: dict[str, int] = {}


def _system_user(username: str, first_name: str) -> User:
    user_id = _cache.get(username)
    if user_id is not None:
        user = User.objects.filter(pk=user_id, username=username).first()
        if user is not None:
            return user
    user = User.objects.filter(username=username).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User(username=username, first_name=first_name, role=Role.ADMIN)
                user.set_unusable_password()
                user.save()
        except IntegrityError:  # created by a concurrent transaction
            user = User.objects.get(username=username)
    _cache[username] = user.pk
    return user


def routing_user() -> User:
    return _system_user(ROUTING_USERNAME, "Routing")


def automation_user() -> User:
    return _system_user(AUTOMATION_USERNAME, "Automation")


def is_automation(user_id: int | None) -> bool:
    return user_id is not None and user_id == automation_user().pk
