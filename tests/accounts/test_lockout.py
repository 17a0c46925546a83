"""Issue 13 item 5: brute force on the three login pages and the API token path is stopped."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.factories import AdminFactory, ContactUserFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-word-123"


def _tries(client: Client, url: str, username: str, password: str, times: int) -> list[int]:
    return [
        client.post(url, {"username": username, "password": password}).status_code
        for _ in range(times)
    ]


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_staff_logins_lock_after_the_failure_limit_even_for_the_right_password(
    url: str, settings: Any
) -> None:
    user = AdminFactory(username="boss")
    client = Client()
    statuses = _tries(client, url, user.username, "wrong", settings.AXES_FAILURE_LIMIT)
    assert 429 not in statuses[:-1] and statuses[-1] == 429
    assert client.post(url, {"username": "boss", "password": PASSWORD}).status_code == 429


def test_the_portal_login_locks_too() -> None:
    ContactUserFactory(username="c@client.example", email="c@client.example")
    statuses = _tries(Client(), "/portal/login/", "c@client.example", "wrong", 6)
    assert statuses[-1] == 429


def test_an_address_is_locked_across_accounts(settings: Any) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": f"guess{n}", "password": "x"})
    user = UserFactory(username="innocent")
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429


def test_an_admin_unlocks_by_deleting_the_attempts(settings: Any) -> None:
    user = UserFactory(username="anna")
    client = Client()
    _tries(client, "/login/", "anna", "wrong", settings.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.all().delete()  # what the admin's delete action does
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_api_tokens_from_one_address_get_429_after_the_limit(settings: Any) -> None:
    settings.DESKLINE_TOKEN_FAILURE_LIMIT = 3
    client = Client(HTTP_AUTHORIZATION="Bearer not-a-token", REMOTE_ADDR="198.51.100.7")
    statuses = [client.get("/api/v1/tickets").status_code for _ in range(5)]
    assert statuses[:3] == [401, 401, 401] and statuses[3:] == [429, 429]
    assert client.get("/api/v1/tickets").json()["error"]["message"].startswith("too many")
