"""Accounts services: the first admin and API tokens."""

from __future__ import annotations

import pytest
from django.utils import timezone

from deskline.accounts.models import ApiToken, User
from deskline.accounts.services import (
    admin_ensure_first,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
)
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


def test_a_checked_token_is_trusted_without_a_query_within_the_window(
    agent, settings, django_assert_num_queries
):
    settings.DESKLINE_TOKEN_CACHE_SECONDS = 60
    token = api_token_create(username=agent.username)
    api_token_authenticate(token)
    with django_assert_num_queries(0):
        assert api_token_authenticate(token) == agent


def test_a_revoked_token_is_refused_at_once_in_the_same_process(agent, settings):
    settings.DESKLINE_TOKEN_CACHE_SECONDS = 60
    token = api_token_create(username=agent.username)
    api_token_authenticate(token)
    api_token_revoke(token_id=ApiToken.objects.get(user=agent).pk)
    assert api_token_authenticate(token) is None


def test_a_deactivated_user_is_refused_at_once_in_the_same_process(agent, settings):
    settings.DESKLINE_TOKEN_CACHE_SECONDS = 60
    token = api_token_create(username=agent.username)
    api_token_authenticate(token)
    agent.is_active = False
    agent.save()
    assert api_token_authenticate(token) is None


def test_a_revocation_elsewhere_applies_once_the_window_has_passed(agent, settings):
    settings.DESKLINE_TOKEN_CACHE_SECONDS = 0  # the window has passed at once
    token = api_token_create(username=agent.username)
    api_token_authenticate(token)
    # Another process revokes it: no signal reaches this one.
    ApiToken.objects.filter(user=agent).update(revoked_at=timezone.now())
    assert api_token_authenticate(token) is None


def test_each_request_gets_its_own_copy_of_the_user(agent, settings):
    settings.DESKLINE_TOKEN_CACHE_SECONDS = 60
    token = api_token_create(username=agent.username)
    first = api_token_authenticate(token)
    assert first is not None
    first.first_name = "Changed by one request"
    second = api_token_authenticate(token)
    assert second is not None and second.first_name != "Changed by one request"


def test_system_users_are_never_offered_as_assignees(db):
    from deskline.accounts.people_cache import staff_users
    from deskline.accounts.system import system_user
    from deskline.tickets.reference_selectors import staff_users_for

    automation = system_user("automation")
    admin = User.objects.create_superuser("root", "root@example.com", "x")
    assert automation.is_system and not automation.has_usable_password()
    assert automation not in staff_users()
    assert automation not in staff_users_for(admin)


def test_a_system_user_cannot_be_made_an_assignee(make_ticket, admin):
    from deskline.accounts.system import system_user
    from deskline.core.errors import ValidationFailed
    from deskline.tickets.services import ticket_assign

    ticket = make_ticket()
    with pytest.raises(ValidationFailed):
        ticket_assign(actor=admin, number=ticket.number, team_id=None,
                      assignee_id=system_user("sla").pk)  # fmt: skip
