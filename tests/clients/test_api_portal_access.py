"""Portal logins for contacts: POST /contacts/{id}/portal-access and keeping them in step."""

from __future__ import annotations

from typing import Any

import pytest

from deskline.accounts.models import Role
from tests.clients.factories import client_login
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def fields_of(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.json()
    return response.json()["error"]["fields"]  # type: ignore[no-any-return]


def test_portal_access_creates_a_contact_login_named_by_the_email(admin_api: Any) -> None:
    contact = ContactFactory(email="ann@acme.example")

    response = admin_api.post(f"contacts/{contact.pk}/portal-access", {"password": "Tr1cky-pass"})

    assert response.status_code == 201
    assert response.json()["has_portal_access"] is True
    contact.refresh_from_db()
    assert contact.user is not None
    assert (contact.user.username, contact.user.role) == ("ann@acme.example", Role.CONTACT)
    assert contact.user.check_password("Tr1cky-pass")


def test_portal_access_needs_an_email(admin_api: Any) -> None:
    contact = ContactFactory(email="")

    response = admin_api.post(f"contacts/{contact.pk}/portal-access", {"password": "Tr1cky-pass"})

    assert "email" in fields_of(response)


def test_portal_access_is_refused_when_the_login_exists(admin_api: Any) -> None:
    UserFactory(username="ann@acme.example")
    contact = ContactFactory(email="Ann@acme.example")

    response = admin_api.post(f"contacts/{contact.pk}/portal-access", {"password": "Tr1cky-pass"})

    assert "email" in fields_of(response)


def test_portal_access_is_refused_when_the_contact_has_a_login(admin_api: Any) -> None:
    contact = client_login().contact

    response = admin_api.post(f"contacts/{contact.pk}/portal-access", {"password": "Tr1cky-pass"})

    assert "portal_access" in fields_of(response)


def test_portal_access_refuses_a_weak_password(admin_api: Any) -> None:
    contact = ContactFactory(email="ann@acme.example")

    response = admin_api.post(f"contacts/{contact.pk}/portal-access", {"password": "123"})

    assert "password" in fields_of(response)


def test_contact_email_change_renames_the_portal_login(admin_api: Any) -> None:
    user = client_login()

    admin_api.patch(f"contacts/{user.contact.pk}", {"email": "new@acme.example"})

    user.refresh_from_db()
    assert (user.username, user.email) == ("new@acme.example", "new@acme.example")


def test_contact_with_a_login_cannot_drop_the_email(admin_api: Any) -> None:
    user = client_login()

    assert "email" in fields_of(admin_api.patch(f"contacts/{user.contact.pk}", {"email": ""}))


def test_the_new_login_reads_its_own_company(admin_api: Any, api_for: Any) -> None:
    contact = ContactFactory(email="ann@acme.example")
    admin_api.post(f"contacts/{contact.pk}/portal-access", {"password": "Tr1cky-pass"})
    contact.refresh_from_db()

    response = api_for(contact.user).get(f"companies/{contact.company_id}")

    assert response.status_code == 200
