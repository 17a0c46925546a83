"""API token format and digest: pure functions, no ORM."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "dl_"  # noqa: S105 (a prefix, not a secret)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    # The token carries 256 random bits, so a fast digest is safe: no brute force can reach it.
    return hashlib.sha256(token.encode()).hexdigest()
