"""The list's company search box: suggestions by name, scoped, limited; the name after reload."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from deskline.accounts.models import User
from deskline.desk.selectors import SUGGESTIONS, company_names_for, company_suggestions_for
from tests.factories import CompanyFactory, ContactFactory, ContactUserFactory

pytestmark = pytest.mark.django_db


def _names(user: User, text: str) -> list[str]:
    return [c.name for c in company_suggestions_for(user=user, text=text)]


def test_prefix_matches_come_before_matches_inside_the_name(agent: User) -> None:
    CompanyFactory(name="Big Acme Holding")
    CompanyFactory(name="acme retail")
    CompanyFactory(name="Other")
    assert _names(agent, "ACME") == ["acme retail", "Big Acme Holding"]


def test_suggestions_are_limited(agent: User) -> None:
    for i in range(SUGGESTIONS + 5):
        CompanyFactory(name=f"Shop {i:02}")
    assert len(_names(agent, "shop")) == SUGGESTIONS


def test_empty_text_suggests_nothing(agent: User) -> None:
    CompanyFactory(name="Acme")
    assert _names(agent, "  ") == []


def test_a_client_is_offered_only_their_own_company(db: None) -> None:
    own = CompanyFactory(name="Acme One")
    CompanyFactory(name="Acme Two")
    client = ContactUserFactory(username="c", contact=ContactFactory(company=own))
    assert _names(client, "acme") == ["Acme One"]
    assert company_names_for(user=client, ids=[own.pk + 1]) == {}


def test_suggest_endpoint_returns_buttons_carrying_the_company_id(agent_client: Client) -> None:
    acme = CompanyFactory(name="Acme <Retail>")
    response = agent_client.get("/companies/suggest/", {"company_name": "acm"})
    body = response.content.decode()
    assert f'data-combo-pick="{acme.pk}"' in body
    assert "Acme &lt;Retail&gt;" in body and "<html" not in body


def test_suggest_endpoint_says_when_nothing_matches(agent_client: Client) -> None:
    body = agent_client.get("/companies/suggest/", {"company_name": "zzz"}).content.decode()
    assert "No matching companies" in body


def test_suggest_endpoint_runs_a_fixed_number_of_queries(
    agent_client: Client, django_assert_num_queries: Any
) -> None:
    for i in range(20):
        CompanyFactory(name=f"Acme {i:02}")
    # session, user, the prefix match (full: the "contains" pass is skipped)
    with django_assert_num_queries(3):
        agent_client.get("/companies/suggest/", {"company_name": "acme"})


def test_suggest_endpoint_is_for_staff_only(client_user: User) -> None:
    client = Client()
    client.force_login(client_user)
    assert client.get("/companies/suggest/", {"company_name": "a"})["Location"] == "/portal/"


def test_list_shows_the_chosen_companys_name_after_reload(agent_client: Client) -> None:
    acme = CompanyFactory(name="Acme Retail")
    body = agent_client.get(f"/?company={acme.pk}").content.decode()
    assert f'name="company" value="{acme.pk}"' in body
    assert 'name="company_name" value="Acme Retail"' in body


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL's")
def test_prefix_search_can_use_the_index_on_postgresql(agent: User) -> None:
    from deskline.clients.models import Company

    sql, params = Company.objects.filter(name__istartswith="acme").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "company_name_upper_like" in plan
