"""API rate limits: per token and per address, 429 with Retry-After in the API's error shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from deskline.operations.ratelimit import window_hit


def test_a_window_allows_exactly_its_limit_then_says_how_long_to_wait() -> None:
    now = 1_000_040.0  # 20 s into a minute (1,000,020 is a multiple of 60)
    results = [window_hit("k-window", 3, now) for _ in range(4)]
    assert results[:3] == [None, None, None]
    assert results[3] == 40


def test_a_new_window_starts_from_zero() -> None:
    for _ in range(3):
        window_hit("k-next", 3, 1_000_020.0)
    assert window_hit("k-next", 3, 1_000_080.0) is None


def test_a_limit_of_zero_never_refuses() -> None:
    assert all(window_hit("k-off", 0, 1_000_000.0) is None for _ in range(50))


@pytest.mark.django_db
def test_a_token_over_its_limit_gets_429_with_retry_after(admin_api: Any, settings: Any) -> None:
    settings.DESKLINE_API_RATE_PER_TOKEN = 3
    api = admin_api
    statuses = [api.get("tickets").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = api.get("tickets")
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 60


@pytest.mark.django_db
def test_an_address_over_its_limit_gets_429_even_without_a_token(
    client: Client, settings: Any
) -> None:
    settings.DESKLINE_API_RATE_PER_ADDRESS = 2
    statuses = [client.get("/api/v1/tickets").status_code for _ in range(3)]
    assert statuses[:2] == [401, 401] and statuses[2] == 429


@pytest.mark.django_db
def test_pages_outside_the_api_are_not_limited(client: Client, settings: Any) -> None:
    settings.DESKLINE_API_RATE_PER_ADDRESS = 1
    assert [client.get("/healthz").status_code for _ in range(3)] == [200, 200, 200]
