"""OAuth2 wire format for mailbox tokens (pure: values in, values out; no ORM, no I/O).

RFC 6749 section 5.1/5.2 token responses are parsed here, and the rules of when a token is
refreshed and which token URLs may receive a client secret are decided here.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

#: Refresh this long before the token's expiry, so it does not run out mid-poll.
MARGIN = dt.timedelta(seconds=60)


class TokenRefreshFailed(Exception):
    """The token endpoint did not give a usable access token."""


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    expires_at: dt.datetime | None
    #: A rotated refresh token, or "" when the endpoint kept the old one.
    refresh_token: str = ""


def token_url_allowed(url: str) -> bool:
    """HTTPS, or plain HTTP to this machine only (client secrets never cross a network bare)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    if parts.scheme != "http" or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def needs_refresh(
    *, can_refresh: bool, access_token: str, expires_at: dt.datetime | None, now: dt.datetime
) -> bool:
    if not can_refresh:
        return False
    return not access_token or expires_at is None or expires_at - MARGIN <= now


def parse_token_response(status: int, body: bytes, now: dt.datetime) -> TokenGrant:
    """The grant in an RFC 6749 JSON answer, or TokenRefreshFailed saying why not."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = None
    if not isinstance(data, dict):
        raise TokenRefreshFailed(f"token endpoint answered HTTP {status} without JSON")
    if status != 200 or "error" in data:
        why = ": ".join(str(data[k]) for k in ("error", "error_description") if data.get(k))
        raise TokenRefreshFailed(f"token endpoint refused the refresh (HTTP {status}): {why}")
    token = data.get("access_token")
    if not isinstance(token, str) or not token:
        raise TokenRefreshFailed("token endpoint answered without an access_token")
    expires_in = data.get("expires_in")
    expires_at = None
    if isinstance(expires_in, int | float | str) and str(expires_in).isdigit():
        expires_at = now + dt.timedelta(seconds=int(expires_in))
    refresh = data.get("refresh_token")
    return TokenGrant(token, expires_at, refresh if isinstance(refresh, str) else "")
