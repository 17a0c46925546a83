"""Lists cost the same number of queries for 3 rows as for 30 (no N+1)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deskline.accounts.models import User
from tests.clients.factories import RESOURCES, Resource, client_login, resource

pytestmark = pytest.mark.django_db
CLIENT_READABLE = [r for r in RESOURCES if r.make_of is not None]


def queries_for_list(api: Any, path: str) -> int:
    api.get(path)  # warm up: the first request checks the token and stamps its last use
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path, {"limit": 200})
    assert response.status_code == 200
    return len(captured.captured_queries)


def rows_listed(api: Any, path: str) -> int:
    return len(api.get(path, {"limit": 200}).json()["items"])


@pytest.mark.parametrize("res", RESOURCES, ids=[r.path for r in RESOURCES])
def test_staff_list_query_count_does_not_grow_with_rows(admin_api: Any, res: Resource) -> None:
    for _ in range(3):
        res.make()
    few = queries_for_list(admin_api, res.path)
    for _ in range(27):
        res.make()

    many = queries_for_list(admin_api, res.path)

    assert rows_listed(admin_api, res.path) >= 30
    assert many == few


@pytest.mark.parametrize("res", CLIENT_READABLE, ids=[r.path for r in CLIENT_READABLE])
def test_client_list_query_count_does_not_grow_with_rows(api_for: Any, res: Resource) -> None:
    user: User = client_login(sees_company=True)
    company = user.contact.company
    assert res.make_of is not None
    api = api_for(user)
    for _ in range(3):
        res.make_of(company)
    few = queries_for_list(api, res.path)
    for _ in range(27):
        res.make_of(company)

    many = queries_for_list(api, res.path)

    assert rows_listed(api, res.path) >= (1 if res.path == "companies" else 30)
    assert many == few


def test_equipment_list_is_one_query_with_its_labels_joined(admin_api: Any) -> None:
    equipment = resource("equipment")
    for _ in range(30):
        equipment.make()

    # The token was checked by the warm-up request (cached); one query fetches the page.
    assert queries_for_list(admin_api, "equipment") == 1


def test_contract_list_fetches_its_coverage_in_one_query_each(admin_api: Any) -> None:
    contracts = resource("contracts")
    for _ in range(30):
        contracts.make()

    # The page, then the covered sites and the covered equipment (the token is cached).
    assert queries_for_list(admin_api, "contracts") == 3
