"""OAuth2 for IMAP mailboxes: the access token XOAUTH2 logs in with, refreshed when due.

A mailbox with a refresh token, a token URL and a client id gets a new access token from the
token endpoint (RFC 6749 section 6, `grant_type=refresh_token`, client credentials in the
form body) before a poll when its access token is missing, of unknown age or about to
expire. The new tokens are stored sealed; a refused refresh raises `TokenRefreshFailed` with
the endpoint's `error` and `error_description`, which the poll records on the mailbox.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlencode

from django.utils import timezone

from deskline.channels.models import Mailbox
from deskline.channels.oauthwire import (
    TokenRefreshFailed,
    needs_refresh,
    parse_token_response,
    token_url_allowed,
)
from deskline.channels.vault import seal, unseal

TIMEOUT = 30


def _post(url: str, form: dict[str, str]) -> tuple[int, bytes]:
    if not token_url_allowed(url):
        raise TokenRefreshFailed(f"token URL must be https (or http to loopback): {url}")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=urlencode(form).encode(),
        headers={
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:  # 4xx answers carry the OAuth error JSON
        return int(exc.code), bytes(exc.read())
    except (urllib.error.URLError, OSError) as exc:
        raise TokenRefreshFailed(f"token endpoint unreachable: {exc}") from exc


def mailbox_access_token(mailbox: Mailbox) -> str:
    """The mailbox's XOAUTH2 access token, refreshed first when it is due."""
    access = unseal(mailbox.imap_oauth_token)
    now = timezone.now()
    can_refresh = bool(
        mailbox.imap_oauth_refresh_token
        and mailbox.imap_oauth_token_url
        and mailbox.imap_oauth_client_id
    )
    if not needs_refresh(
        can_refresh=can_refresh,
        access_token=access,
        expires_at=mailbox.imap_oauth_expires_at,
        now=now,
    ):
        return access
    form = {
        "grant_type": "refresh_token",
        "refresh_token": unseal(mailbox.imap_oauth_refresh_token),
        "client_id": mailbox.imap_oauth_client_id,
    }
    secret = unseal(mailbox.imap_oauth_client_secret)
    if secret:
        form["client_secret"] = secret
    grant = parse_token_response(*_post(mailbox.imap_oauth_token_url, form), now)
    mailbox.imap_oauth_token = seal(grant.access_token)
    mailbox.imap_oauth_expires_at = grant.expires_at
    fields = ["imap_oauth_token", "imap_oauth_expires_at"]
    if grant.refresh_token:
        mailbox.imap_oauth_refresh_token = seal(grant.refresh_token)
        fields.append("imap_oauth_refresh_token")
    Mailbox.objects.filter(pk=mailbox.pk).update(**{f: getattr(mailbox, f) for f in fields})
    return grant.access_token
