"""Two-factor sign-in for staff (TOTP, through django-otp): set up, confirm, verify, remove.

A staff login with a confirmed authenticator device must enter a current six-digit code after
its password before any desk or admin page opens; an administrator must set one up first when
DESKLINE_REQUIRE_2FA_FOR_ADMINS is on. Portal contacts and API tokens are not asked (a token is
itself a secret that is never typed).
"""

from __future__ import annotations

import base64
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from deskline.accounts.models import User
from deskline.core.errors import ValidationFailed
from deskline.core.roles import Role

DEVICE_NAME = "authenticator"
#: Whether the signed-in user has an authenticator, kept in the session at sign-in so that pages
#: cost no query for it (their query counts are pinned).
SESSION_FLAG = "deskline_two_factor"


def two_factor_required(user: User, *, admins_must: bool) -> bool:
    return admins_must and (user.is_superuser or user.role == Role.ADMIN)


def has_two_factor(user: User) -> bool:
    return bool(user_has_device(user, confirmed=True))


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed authenticator for `user` (replacing an unconfirmed earlier one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_base32(device: TOTPDevice) -> str:
    """The key as authenticator apps take it typed in."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


@transaction.atomic
def totp_device_confirm(*, user: User, token: str) -> TOTPDevice:
    """Confirm the pending authenticator with a code it shows; earlier confirmed ones go."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None or not device.verify_token(token.strip()):
        raise ValidationFailed("the code is not right", fields={"token": "not the current code"})
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def totp_verify(*, user: User, token: str) -> TOTPDevice | None:
    """The confirmed device that accepts `token` (throttled by django-otp), or None."""
    device: TOTPDevice | None = match_token(user, token.strip())
    return device


def session_has_two_factor(request: HttpRequest, user: User) -> bool:
    """The session's note of whether `user` has an authenticator (looked up once if missing)."""
    flag = request.session.get(SESSION_FLAG)
    if flag is None:
        flag = request.session[SESSION_FLAG] = has_two_factor(user)
    return bool(flag)


def note_two_factor(request: HttpRequest, *, has_device: bool) -> None:
    request.session[SESSION_FLAG] = has_device


@receiver(user_logged_in)
def _on_login(sender: Any, request: HttpRequest | None, user: User, **_: Any) -> None:
    if request is not None and hasattr(request, "session"):
        note_two_factor(request, has_device=has_two_factor(user))
