"""The service user the SLA jobs act as (ticket services need an actor)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from deskline.accounts.models import Role, User

SLA_USERNAME = "deskline-sla"


def sla_user() -> User:
    user = User.objects.filter(username=SLA_USERNAME).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():
            user = User(username=SLA_USERNAME, first_name="SLA", role=Role.ADMIN)
            user.set_unusable_password()
            user.save()
    except IntegrityError:  # created by a concurrent transaction
        user = User.objects.get(username=SLA_USERNAME)
    return user
