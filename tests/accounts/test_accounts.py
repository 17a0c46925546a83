"""Accounts services: the first admin and API tokens."""

from __future__ import annotations

import pytest

from deskline.accounts.models import ApiToken, User
from deskline.accounts.services import admin_ensure_first, api_token_authenticate, api_token_create
from deskline.core.errors import NotFound

pytestmark = pytest.mark.django_db


def test_first_admin_gets_a_generated_password():
    first = admin_ensure_first(username=None, password=None)
    assert first.created and first.username == "admin" and first.password
    assert User.objects.get(username="admin").check_password(first.password)


def test_first_admin_takes_credentials_from_the_caller():
    first = admin_ensure_first(username="boss", password="s3cret-pass")
    assert (first.username, first.password) == ("boss", None)
    assert User.objects.get(username="boss").is_superuser


def test_no_second_admin_is_created():
    admin_ensure_first(username="boss", password="s3cret-pass")
    again = admin_ensure_first(username="other", password="x")
    assert (again.created, again.username) == (False, "boss")
    assert User.objects.filter(is_superuser=True).count() == 1


def test_token_is_stored_hashed_and_authenticates(agent):
    token = api_token_create(username=agent.username)
    stored = ApiToken.objects.get(user=agent)
    assert token not in (stored.digest, stored.prefix)
    assert api_token_authenticate(token) == agent


def test_token_of_a_deactivated_user_is_refused(agent):
    token = api_token_create(username=agent.username)
    agent.is_active = False
    agent.save()
    assert api_token_authenticate(token) is None


def test_token_for_an_unknown_user_is_refused():
    with pytest.raises(NotFound):
        api_token_create(username="ghost")
