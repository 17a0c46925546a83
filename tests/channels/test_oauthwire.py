"""The OAuth2 wire format for mailbox tokens: token answers, when to refresh, allowed URLs."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from deskline.channels.oauthwire import (
    TokenRefreshFailed,
    needs_refresh,
    parse_token_response,
    token_url_allowed,
)

NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


def _body(**fields: object) -> bytes:
    return json.dumps(fields).encode()


def test_a_token_answer_gives_the_token_its_expiry_and_a_rotated_refresh_token():
    grant = parse_token_response(
        200,
        _body(access_token="at", token_type="Bearer", expires_in=3600, refresh_token="rt2"),
        NOW,
    )
    assert grant.access_token == "at" and grant.refresh_token == "rt2"
    assert grant.expires_at == NOW + dt.timedelta(hours=1)


def test_a_token_answer_without_expiry_or_refresh_token_leaves_them_unknown():
    grant = parse_token_response(200, _body(access_token="at", token_type="Bearer"), NOW)
    assert (grant.expires_at, grant.refresh_token) == (None, "")


def test_an_error_answer_says_the_oauth_error_and_its_description():
    body = _body(error="invalid_grant", error_description="expired")
    with pytest.raises(TokenRefreshFailed, match=r"HTTP 400\): invalid_grant: expired$"):
        parse_token_response(400, body, NOW)


def test_an_answer_that_is_not_json_is_refused():
    with pytest.raises(TokenRefreshFailed, match="HTTP 502 without JSON"):
        parse_token_response(502, b"<html>Bad gateway</html>", NOW)


def test_an_answer_without_an_access_token_is_refused():
    with pytest.raises(TokenRefreshFailed, match="without an access_token"):
        parse_token_response(200, _body(token_type="Bearer"), NOW)


@pytest.mark.parametrize(
    ("can_refresh", "token", "expires_at", "expected"),
    [
        (False, "", None, False),
        (True, "", NOW + dt.timedelta(hours=1), True),
        (True, "at", None, True),
        (True, "at", NOW + dt.timedelta(seconds=30), True),
        (True, "at", NOW + dt.timedelta(minutes=5), False),
    ],
)
def test_a_token_is_refreshed_when_missing_of_unknown_age_or_about_to_expire(
    can_refresh, token, expires_at, expected
):
    assert (
        needs_refresh(can_refresh=can_refresh, access_token=token, expires_at=expires_at, now=NOW)
        is expected
    )


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://login.example.com/oauth2/token", True),
        ("http://127.0.0.1:8080/token", True),
        ("http://localhost/token", True),
        ("http://[::1]:9000/token", True),
        ("http://login.example.com/token", False),
        ("ftp://login.example.com/token", False),
        ("https:///token", False),
    ],
)
def test_client_secrets_go_only_over_https_or_to_this_machine(url, allowed):
    assert token_url_allowed(url) is allowed
