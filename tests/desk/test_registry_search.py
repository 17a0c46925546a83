"""The list's search boxes (company, contact, site, equipment): suggestions by name, e-mail or
serial number, scoped to what the user may see, limited; the chosen row's name after reload.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from deskline.accounts.models import User
from deskline.desk.selectors import SUGGESTIONS, registry_names_for, registry_suggestions_for
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    ContactUserFactory,
    EquipmentFactory,
    SiteFactory,
)
from tests.servers import postgresql_only

pytestmark = pytest.mark.django_db


def _names(
    user: User, text: str, kind: str = "company", company_id: int | None = None
) -> list[str]:
    return [
        s.label
        for s in registry_suggestions_for(user=user, kind=kind, text=text, company_id=company_id)
    ]


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
    assert registry_names_for(user=client, ids={"company": [own.pk + 1]}) == {}


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


# Contacts, sites and equipment


def test_contacts_match_by_name_or_email_prefix_before_text_inside(agent: User) -> None:
    ContactFactory(name="Ivan Petrov", email="ivan@acme.example")
    ContactFactory(name="Olga Ivanova", email="olga@acme.example")
    ContactFactory(name="Boris", email="boss.ivan@acme.example")
    ContactFactory(name="Zoe", email="ivanova.z@acme.example")
    ContactFactory(name="Nobody", email="x@acme.example")
    assert _names(agent, "ivan", "contact") == [
        "Ivan Petrov (ivan@acme.example)",
        "Zoe (ivanova.z@acme.example)",
        "Boris (boss.ivan@acme.example)",
        "Olga Ivanova (olga@acme.example)",
    ]


def test_equipment_matches_by_serial_number_prefix(agent: User) -> None:
    EquipmentFactory(serial_number="KKT-0451")
    EquipmentFactory(serial_number="OLD-KKT-0452")
    EquipmentFactory(serial_number="PRN-1")
    assert _names(agent, "kkt", "equipment") == [
        "Cash register KKT-0451",
        "Cash register OLD-KKT-0452",
    ]


def test_sites_match_by_name(agent: User) -> None:
    SiteFactory(name="Shop on Tverskaya")
    SiteFactory(name="Warehouse")
    assert _names(agent, "shop", "site") == ["Shop on Tverskaya"]


def test_a_chosen_company_narrows_sites_equipment_and_contacts(agent: User) -> None:
    acme, other = CompanyFactory(name="Acme"), CompanyFactory(name="Other")
    SiteFactory(company=acme, name="Shop Acme")
    SiteFactory(company=other, name="Shop Other")
    EquipmentFactory(site=SiteFactory(company=other), serial_number="SN-OTHER")
    ContactFactory(company=other, name="Shopkeeper")
    assert _names(agent, "shop", "site", company_id=acme.pk) == ["Shop Acme"]
    assert _names(agent, "sn-", "equipment", company_id=acme.pk) == []
    assert _names(agent, "shop", "contact", company_id=acme.pk) == []


def test_a_client_is_offered_only_their_own_companys_sites_equipment_and_contacts(
    db: None,
) -> None:
    own, other = CompanyFactory(name="Own"), CompanyFactory(name="Other")
    for company in (own, other):
        site = SiteFactory(company=company, name=f"Shop {company.name}")
        EquipmentFactory(site=site, serial_number=f"SN-{company.name}")
        ContactFactory(company=company, name=f"Shopper {company.name}", email="")
    me = ContactFactory(company=own, name="Shopper Me", email="", sees_company_tickets=True)
    client = ContactUserFactory(username="c", contact=me)
    assert _names(client, "shop", "site") == ["Shop Own"]
    assert _names(client, "sn-", "equipment") == ["Cash register SN-Own"]
    assert _names(client, "shopper", "contact") == ["Shopper Me", "Shopper Own"]
    other_site = other.sites.get()
    assert registry_names_for(user=client, ids={"site": [other_site.pk]}) == {}


def test_a_client_who_sees_only_own_tickets_is_offered_only_themselves(db: None) -> None:
    company = CompanyFactory()
    ContactFactory(company=company, name="Shopper Colleague", email="")
    me = ContactFactory(company=company, name="Shopper Me", email="")
    client = ContactUserFactory(username="c", contact=me)
    assert _names(client, "shopper", "contact") == ["Shopper Me"]


@pytest.mark.parametrize("kind", ["contact", "site", "equipment"])
def test_suggest_endpoints_are_limited_and_scoped_to_the_chosen_company(
    agent_client: Client, kind: str
) -> None:
    acme, other = CompanyFactory(name="Acme"), CompanyFactory(name="Other")
    for i in range(SUGGESTIONS + 2):
        site = SiteFactory(company=acme, name=f"Zed site {i:02}")
        EquipmentFactory(site=site, serial_number=f"ZED-{i:02}")
        ContactFactory(company=acme, name=f"Zed person {i:02}")
    site = SiteFactory(company=other, name="Zed site of other")
    outsider = {
        "site": site,
        "equipment": EquipmentFactory(site=site, serial_number="ZED-OTHER"),
        "contact": ContactFactory(company=other, name="Zed person of other"),
    }[kind]
    response = agent_client.get(f"/suggest/{kind}/", {f"{kind}_name": "zed", "company": acme.pk})
    body = response.content.decode()
    assert body.count("data-combo-pick=") == SUGGESTIONS
    assert f'data-combo-pick="{outsider.pk}"' not in body


@pytest.mark.parametrize("kind", ["contact", "site", "equipment"])
def test_suggest_endpoints_refuse_client_users(client_user: User, kind: str) -> None:
    SiteFactory(name="Shop")
    client = Client()
    client.force_login(client_user)
    response = client.get(f"/suggest/{kind}/", {f"{kind}_name": "s"})
    assert response.status_code == 302 and response["Location"] == "/portal/"


def test_suggest_endpoint_for_an_unknown_kind_is_not_found(agent_client: Client) -> None:
    assert agent_client.get("/suggest/contract/", {"contract_name": "a"}).status_code == 404


def test_list_shows_the_chosen_contact_site_and_equipment_after_reload(
    agent_client: Client,
) -> None:
    site = SiteFactory(name="Shop on Tverskaya")
    till = EquipmentFactory(site=site, serial_number="KKT-0451")
    ann = ContactFactory(company=site.company, name="Ann", email="ann@acme.example")
    body = agent_client.get(
        f"/?contact={ann.pk}&site={site.pk}&equipment={till.pk}"
    ).content.decode()
    assert 'name="contact_name" value="Ann (ann@acme.example)"' in body
    assert 'name="site_name" value="Shop on Tverskaya"' in body
    assert 'name="equipment_name" value="Cash register KKT-0451"' in body
    assert f'name="equipment" value="{till.pk}"' in body


@postgresql_only
@pytest.mark.parametrize(
    ("model_name", "field", "index"),
    [
        ("Company", "name", "company_name_upper_like"),
        ("Contact", "name", "contact_name_upper_like"),
        ("Contact", "email", "contact_email_upper_like"),
        ("Site", "name", "site_name_upper_like"),
        ("Equipment", "serial_number", "equipment_serial_upper_like"),
        ("Equipment", "inventory_number", "equipment_inventory_upper_like"),
    ],
)
def test_prefix_search_can_use_the_index_on_postgresql(
    agent: User, model_name: str, field: str, index: str
) -> None:
    from deskline.clients import models

    model = getattr(models, model_name)
    queryset = model.objects.filter(**{f"{field}__istartswith": "acme"})
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan
