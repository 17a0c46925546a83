"""API authentication: per-user Bearer tokens (stored hashed) and the browser session."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from deskline.accounts.lockout import token_failure_count, token_path_blocked
        from deskline.accounts.services import api_token_authenticate

        address = request.META.get("REMOTE_ADDR", "")
        if token_path_blocked(address):
            raise HttpError(429, "too many wrong API tokens from this address; retry later")
        user = api_token_authenticate(token)
        if user is None:
            token_failure_count(address)
            return None
        request.user = user
        return user


class SessionAuth(NinjaSessionAuth):
    """The logged-in browser session; unsafe methods need the CSRF token."""


if TYPE_CHECKING:
    from deskline.accounts.models import User


def request_user(request: HttpRequest) -> User:
    """The authenticated user of an API request (set by either auth method)."""
    from deskline.accounts.models import User

    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User):
        raise TypeError("the endpoint must require authentication")
    return user
