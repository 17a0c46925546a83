"""A request that loses a race for a unique name or number gets the 422 the check would give.

The services check uniqueness before they save, so two simultaneous identical requests can both
pass the check; the second insert then hits the database's constraint. These tests let the
check pass (as it would for the request that loses the race) against a row already written,
so the constraint path runs every time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError

from deskline.accounts.models import User
from deskline.clients.models import CompanyCategory
from deskline.clients.services import company_category_create
from deskline.clients.services.common import Unique
from tests.clients.factories import KindFactory, MakerFactory, ModelFactory, client_login
from tests.factories import CompanyCategoryFactory, ContactFactory, ContractFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def check_too_early(monkeypatch: pytest.MonkeyPatch) -> None:
    """The uniqueness check ran before the rival row was committed, so it found nothing."""
    monkeypatch.setattr(Unique, "check", lambda self, row: None)


def taken_field(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == "validation_error"
    return response.json()["error"]["fields"]  # type: ignore[no-any-return]


def _category() -> dict[str, Any]:
    CompanyCategoryFactory(code="vip")
    return {"code": "vip", "name": "Other"}


def _kind() -> dict[str, Any]:
    KindFactory(code="ups")
    return {"code": "ups", "name": "Other"}


def _manufacturer() -> dict[str, Any]:
    MakerFactory(name="APC")
    return {"name": "APC"}


def _model() -> dict[str, Any]:
    rival = ModelFactory(name="Smart-UPS")
    return {"manufacturer_id": rival.manufacturer_id, "kind_id": rival.kind_id, "name": "Smart-UPS"}


def _contract() -> dict[str, Any]:
    rival = ContractFactory(number="C-1")
    return {"company_id": rival.company_id, "number": "C-1", "starts_on": "2025-01-01"}


RIVALS: list[tuple[str, Callable[[], dict[str, Any]], str]] = [
    ("company-categories", _category, "code"),
    ("equipment-kinds", _kind, "code"),
    ("manufacturers", _manufacturer, "name"),
    ("equipment-models", _model, "name"),
    ("contracts", _contract, "number"),
]


@pytest.mark.parametrize(("path", "rival", "field"), RIVALS, ids=[r[0] for r in RIVALS])
@pytest.mark.usefixtures("check_too_early")
def test_create_that_loses_the_race_is_422_naming_the_field(
    admin_api: Any, path: str, rival: Callable[[], dict[str, Any]], field: str
) -> None:
    body = rival()

    response = admin_api.post(path, body)

    assert taken_field(response) == {field: "already taken"}


@pytest.mark.usefixtures("check_too_early")
def test_patch_that_loses_the_race_is_422_naming_the_field(admin_api: Any) -> None:
    CompanyCategoryFactory(code="vip")
    other = CompanyCategoryFactory(code="gold")

    response = admin_api.patch(f"company-categories/{other.pk}", {"code": "vip"})

    assert taken_field(response) == {"code": "already taken"}


@pytest.mark.usefixtures("check_too_early")
def test_portal_access_that_loses_the_race_for_the_login_is_422_naming_email(
    admin_api: Any,
) -> None:
    contact = ContactFactory(email="ann@acme.example")
    UserFactory(username="ann@acme.example")

    response = admin_api.post(f"contacts/{contact.pk}/portal-access", {"password": "Tr1cky-pass"})

    assert taken_field(response) == {"email": "a login with this email already exists"}


@pytest.mark.usefixtures("check_too_early")
def test_email_change_that_loses_the_race_for_the_login_is_422_naming_email(
    admin_api: Any,
) -> None:
    contact = client_login().contact
    UserFactory(username="bob@acme.example")

    response = admin_api.patch(f"contacts/{contact.pk}", {"email": "bob@acme.example"})

    assert taken_field(response) == {"email": "already taken"}


def test_integrity_error_that_is_not_a_clash_is_not_reported_as_taken(
    admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise IntegrityError("some other constraint")

    monkeypatch.setattr(CompanyCategory, "save", fail)

    with pytest.raises(IntegrityError, match="some other constraint"):
        company_category_create(actor=admin, code="vip", name="VIP")
