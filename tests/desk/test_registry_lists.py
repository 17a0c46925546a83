"""Registry list pages: companies searched and paged by keyset, in a pinned number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def test_company_list_searches_and_pages(agent_client: Client) -> None:
    CompanyFactory(name="Romashka", tax_id="7701000001")
    CompanyFactory.create_batch(3)
    body = agent_client.get("/companies/", {"q": "romash"}).content.decode()
    assert "Romashka" in body and "Company " not in body


def test_company_list_query_count_does_not_grow(agent_client: Client) -> None:
    CompanyFactory.create_batch(3)
    agent_client.get("/companies/")
    with CaptureQueriesContext(connection) as few:
        agent_client.get("/companies/")
    CompanyFactory.create_batch(20)
    with CaptureQueriesContext(connection) as many:
        agent_client.get("/companies/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_clients_are_sent_to_the_portal(client_user: object) -> None:
    client = Client()
    client.force_login(client_user)  # type: ignore[arg-type]
    assert client.get("/companies/").status_code == 302
