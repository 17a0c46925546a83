"""Shared fixtures: users of each role, an API client with a Bearer token, ticket helpers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from deskline.accounts import token_cache
from deskline.accounts.models import Role, User
from deskline.accounts.services import api_token_create
from deskline.core import refcache
from deskline.tickets.events import event_dispatch
from deskline.tickets.models import Ticket, TicketEvent
from deskline.tickets.services import ticket_create
from tests.factories import AdminFactory, UserFactory


class ApiClient:
    """JSON requests to /api/v1 with a user's Bearer token."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.token = api_token_create(username=user.username)
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {self.token}")

    def _send(self, method: str, path: str, body: Any = None, **extra: Any) -> Any:
        url = path if path.startswith("/") else f"/api/v1/{path}"
        if body is None:
            return getattr(self.client, method)(url, **extra)
        return getattr(self.client, method)(
            url, data=json.dumps(body), content_type="application/json", **extra
        )

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        url = path if path.startswith("/") else f"/api/v1/{path}"
        return self.client.get(url, params or {})

    def post(self, path: str, body: Any = None) -> Any:
        return self._send("post", path, body if body is not None else {})

    def patch(self, path: str, body: Any) -> Any:
        return self._send("patch", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self._send("put", path, body)

    def delete(self, path: str) -> Any:
        return self._send("delete", path)

    def upload(self, path: str, files: dict[str, Any], data: dict[str, Any] | None = None) -> Any:
        url = path if path.startswith("/") else f"/api/v1/{path}"
        return self.client.post(url, {**(data or {}), **files})


@pytest.fixture
def admin(db: None) -> User:
    return AdminFactory(username="admin")


@pytest.fixture
def agent(db: None) -> User:
    return UserFactory(username="agent", role=Role.AGENT)


@pytest.fixture
def api_for() -> Callable[[User], ApiClient]:
    return ApiClient


@pytest.fixture
def admin_api(admin: User) -> ApiClient:
    return ApiClient(admin)


@pytest.fixture
def make_ticket(admin: User) -> Callable[..., Ticket]:
    def make(**fields: Any) -> Ticket:
        fields.setdefault("title", "Printer does not print")
        fields.setdefault("actor", admin)
        return ticket_create(**fields)

    return make


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _fresh_reference_cache(settings: Any) -> None:
    # Each test's rollback undoes reference data a test changed; start from an empty cache.
    refcache.clear()
    token_cache.clear()
    # Query counts must not depend on how long a test takes: within a test the caches are
    # trusted until a change in this process empties them (tests of the windows set their own).
    settings.DESKLINE_REFERENCE_CHECK_SECONDS = 3600
    settings.DESKLINE_TOKEN_CACHE_SECONDS = 3600
    settings.DESKLINE_VIEW_COUNT_SECONDS = 3600


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    # API rate-limit windows count per process; each test starts with none used.
    cache.clear()


@pytest.fixture(autouse=True)
def _no_map_tiles(settings: Any) -> None:
    # Tests never contact a tile server: maps draw their markers on a blank background.
    settings.DESKLINE_MAP_TILES = ""


@pytest.fixture(autouse=True)
def _no_tone_scoring(settings: Any) -> None:
    # Scoring the tone of every message costs milliseconds per ticket; its tests switch it on.
    settings.DESKLINE_TRIAGE_TONE = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # The production hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def django_db_serialized_rollback() -> bool:
    # Transactional tests (threads, live server, subprocesses) flush the tables; restoring the
    # serialised contents brings back the statuses, types and priorities seeded by migrations.
    return True


@pytest.fixture
def dispatch() -> Callable[[], int]:
    """Run the event-dispatch job for every undispatched event, until none is left."""

    def run() -> int:
        done = 0
        while True:
            ids = list(
                TicketEvent.objects.filter(dispatched_at__isnull=True)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if not ids:
                return done
            for pk in ids:
                done += event_dispatch(pk)

    return run
