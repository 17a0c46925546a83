"""Writes for accounts: users, first admin, API tokens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from deskline.accounts import token_cache
from deskline.accounts.models import ApiToken, Role, Team, User
from deskline.accounts.tokens import new_token, token_digest
from deskline.core.errors import NotFound, ValidationFailed
from deskline.core.permissions import require_admin


@dataclass(frozen=True)
class FirstAdmin:
    username: str
    password: str | None  # None when it came from the environment (not printed)
    created: bool


@transaction.atomic
def admin_ensure_first(*, username: str | None, password: str | None) -> FirstAdmin:
    """Create the first administrator unless any superuser exists."""
    existing = User.objects.filter(is_superuser=True).order_by("id").first()
    if existing is not None:
        return FirstAdmin(username=existing.username, password=None, created=False)
    name = username or "admin"
    generated = None if password else secrets.token_urlsafe(12)
    User.objects.create_superuser(
        username=name, email="", password=password or generated, role=Role.ADMIN,
        must_change_password=generated is not None,
    )  # fmt: skip
    return FirstAdmin(username=name, password=generated, created=True)


@transaction.atomic
def api_token_create(*, username: str, name: str = "") -> str:
    """Create a token for the user and return it; only its digest is stored."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound(f"no active user named {username!r}")
    token = new_token()
    ApiToken.objects.create(user=user, name=name, prefix=token[:10], digest=token_digest(token))
    return token


def api_token_authenticate(token: str) -> User | None:
    """The active user owning this live token, or None (see token_cache for the short cache)."""
    digest = token_digest(token)
    hit = token_cache.get(digest)
    if hit is None:
        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        token_cache.put(digest, row.pk, row.user, row.last_used_at)
        hit = token_cache.Entry(row.pk, row.user, row.last_used_at, 0.0)
    now = timezone.now()
    # Touch at most once a minute so reads don't turn into a write per request.
    if hit.last_used_at is None or (now - hit.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=hit.token_id).update(last_used_at=now)
        token_cache.touched(digest, now)
    return hit.user


@transaction.atomic
def api_token_revoke(*, token_id: int) -> None:
    ApiToken.objects.filter(pk=token_id, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token_cache.clear()  # this process refuses it at once; others within the cache window


@transaction.atomic
def team_get_or_create(*, actor: User, name: str) -> Team:
    """The team of this name, created (1st line, no members yet) when there is none."""
    require_admin(actor)
    cleaned = " ".join(name.split())[:200]
    if not cleaned:
        raise ValidationFailed("name is required", fields={"name": "must not be empty"})
    team, _ = Team.objects.get_or_create(name=cleaned)
    return team
