"""Who may read and write the registry: staff roles, client contacts, anonymous callers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from deskline.accounts.models import Role
from tests.clients.factories import (
    READ_ONLY_STAFF_ROLES,
    RESOURCES,
    WRITER_ROLES,
    Resource,
    client_login,
    staff,
)
from tests.factories import CompanyFactory, ContactFactory, UserFactory

pytestmark = pytest.mark.django_db
CLIENT_READABLE = [r for r in RESOURCES if r.make_of is not None]
REFERENCE = [r for r in RESOURCES if r.make_of is None]
by_path = pytest.mark.parametrize("res", RESOURCES, ids=[r.path for r in RESOURCES])
client_readable = pytest.mark.parametrize(
    "res", CLIENT_READABLE, ids=[r.path for r in CLIENT_READABLE]
)


# Anonymous callers.


@pytest.mark.parametrize("method", ["get", "post"])
@by_path
def test_anonymous_caller_gets_401_with_the_error_shape(res: Resource, method: str) -> None:
    response = getattr(Client(), method)(f"/api/v1/{res.path}")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_a_wrong_bearer_token_gets_401() -> None:
    response = Client(HTTP_AUTHORIZATION="Bearer nope").get("/api/v1/companies")

    assert response.status_code == 401


# Staff.


REGISTRY = {"companies", "contacts", "sites", "equipment", "contracts"}


@pytest.mark.parametrize("role", [Role.AGENT, *WRITER_ROLES])
@by_path
def test_staff_read_the_whole_registry(api_for: Any, res: Resource, role: str) -> None:
    row = res.make()

    response = api_for(staff(role)).get(f"{res.path}/{row.pk}")

    assert response.status_code == 200


@pytest.mark.parametrize("role", READ_ONLY_STAFF_ROLES)
@by_path
def test_agents_and_contractors_may_not_create(api_for: Any, res: Resource, role: str) -> None:
    body = res.body()
    before = res.model._default_manager.count()

    response = api_for(staff(role)).post(res.path, body)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert res.model._default_manager.count() == before


@pytest.mark.parametrize("role", READ_ONLY_STAFF_ROLES)
@by_path
def test_agents_and_contractors_may_not_update(api_for: Any, res: Resource, role: str) -> None:
    row = res.make()

    response = api_for(staff(role)).patch(f"{res.path}/{row.pk}", res.patch())

    assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.DISPATCHER])
@by_path
def test_supervisors_and_dispatchers_may_write(api_for: Any, res: Resource, role: str) -> None:
    api = api_for(staff(role))

    created = api.post(res.path, res.body())
    updated = api.patch(f"{res.path}/{created.json()['id']}", res.patch())

    assert (created.status_code, updated.status_code) == (201, 200)


def test_a_superuser_of_any_role_may_write(api_for: Any) -> None:
    user = UserFactory(role=Role.AGENT, is_superuser=True)

    assert api_for(user).post("companies", {"name": "Acme"}).status_code == 201


def test_agents_may_not_grant_portal_access(api_for: Any) -> None:
    contact = ContactFactory()

    response = api_for(staff(Role.AGENT)).post(
        f"contacts/{contact.pk}/portal-access", {"password": "Tr1cky-pass"}
    )

    assert response.status_code == 403


# Client contacts: their own company's rows only; others are "not found".


@client_readable
def test_client_reads_a_row_of_their_company(api_for: Any, res: Resource) -> None:
    user = client_login(sees_company=True)
    assert res.make_of is not None
    row = res.make_of(user.contact.company)

    assert api_for(user).get(f"{res.path}/{row.pk}").status_code == 200


@client_readable
def test_client_gets_404_for_a_row_of_another_company(api_for: Any, res: Resource) -> None:
    user = client_login(sees_company=True)
    assert res.make_of is not None
    other = res.make_of(CompanyFactory())

    response = api_for(user).get(f"{res.path}/{other.pk}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@client_readable
def test_client_list_holds_only_their_company_rows(api_for: Any, res: Resource) -> None:
    user = client_login(sees_company=True)
    assert res.make_of is not None
    mine = {user.contact.pk} if res.path == "contacts" else set()
    mine |= {res.make_of(user.contact.company).pk for _ in range(2)}
    res.make_of(CompanyFactory())

    items = api_for(user).get(res.path).json()["items"]

    assert {item["id"] for item in items} == mine


@client_readable
def test_client_filter_on_another_company_finds_nothing(api_for: Any, res: Resource) -> None:
    user = client_login(sees_company=True)
    assert res.make_of is not None
    other = CompanyFactory()
    res.make_of(other)
    params = {"company_id": other.pk} if res.path != "companies" else {"q": other.name}

    assert api_for(user).get(res.path, params).json()["items"] == []


@by_path
def test_client_may_not_create(api_for: Any, res: Resource) -> None:
    user = client_login(sees_company=True)

    response = api_for(user).post(res.path, res.body())

    assert response.status_code == 403


@client_readable
def test_client_may_not_update_even_their_own_rows(api_for: Any, res: Resource) -> None:
    user = client_login(sees_company=True)
    assert res.make_of is not None
    row = res.make_of(user.contact.company)

    response = api_for(user).patch(f"{res.path}/{row.pk}", res.patch())

    assert response.status_code == 403


@pytest.mark.parametrize("res", REFERENCE, ids=[r.path for r in REFERENCE])
def test_client_may_not_read_reference_data(api_for: Any, res: Resource) -> None:
    user = client_login(sees_company=True)
    row = res.make()
    api = api_for(user)

    statuses = [api.get(res.path).status_code, api.get(f"{res.path}/{row.pk}").status_code]

    assert statuses == [403, 403]


def test_client_does_not_see_company_notes(api_for: Any) -> None:
    user = client_login()
    company = user.contact.company
    company.notes = "pays late"
    company.save()

    assert api_for(user).get(f"companies/{company.pk}").json()["notes"] is None


def test_staff_see_company_notes(api_for: Any) -> None:
    company = CompanyFactory(notes="pays late")

    out = api_for(staff(Role.AGENT)).get(f"companies/{company.pk}").json()

    assert out["notes"] == "pays late"


def test_client_not_seeing_company_tickets_lists_only_themselves(api_for: Any) -> None:
    user = client_login(sees_company=False)
    ContactFactory(company=user.contact.company)

    items = api_for(user).get("contacts").json()["items"]

    assert [item["id"] for item in items] == [user.contact.pk]


def test_client_not_seeing_company_tickets_gets_404_for_a_colleague(api_for: Any) -> None:
    user = client_login(sees_company=False)
    colleague = ContactFactory(company=user.contact.company)

    assert api_for(user).get(f"contacts/{colleague.pk}").status_code == 404


def test_client_not_seeing_company_tickets_still_reads_own_contact(api_for: Any) -> None:
    user = client_login(sees_company=False)

    assert api_for(user).get(f"contacts/{user.contact.pk}").status_code == 200


def test_client_login_without_a_contact_sees_nothing(api_for: Any) -> None:
    user = UserFactory(role=Role.CONTACT)
    for res in CLIENT_READABLE:
        res.make()
    api = api_for(user)

    listed = {res.path: api.get(res.path).json()["items"] for res in CLIENT_READABLE}

    assert listed == {res.path: [] for res in CLIENT_READABLE}


def test_client_whose_contact_is_inactive_sees_nothing(api_for: Any) -> None:
    user = client_login(sees_company=True)
    user.contact.is_active = False
    user.contact.save()

    response = api_for(user).get(f"companies/{user.contact.company_id}")

    assert response.status_code == 404


# Contractors (issue 13 item 3): the registry rows their visible tickets name, no contract.


@by_path
def test_a_contractor_reads_no_registry_row_its_tickets_do_not_name(
    api_for: Any, res: Resource
) -> None:
    row = res.make()
    response = api_for(staff(Role.CONTRACTOR)).get(f"{res.path}/{row.pk}")
    assert response.status_code == (404 if res.path in REGISTRY else 200)


def test_a_contractor_reads_the_company_contact_site_and_equipment_of_its_teams_ticket(
    api_for: Any,
) -> None:
    from deskline.tickets.services import ticket_create
    from tests.factories import AdminFactory, EquipmentFactory, SiteFactory, TeamFactory

    contractor = staff(Role.CONTRACTOR)
    team = TeamFactory(members=[contractor])
    contact = ContactFactory()
    site = SiteFactory(company=contact.company)
    equipment = EquipmentFactory(company=contact.company, site=site)
    ticket_create(actor=AdminFactory(), title="Chiller alarm", contact_id=contact.pk,
                  site_id=site.pk, equipment_id=equipment.pk, team_id=team.pk)  # fmt: skip
    api = api_for(contractor)
    for path, pk in (("companies", contact.company_id), ("contacts", contact.pk),
                     ("sites", site.pk), ("equipment", equipment.pk)):  # fmt: skip
        assert api.get(f"{path}/{pk}").status_code == 200, path
    assert [c["id"] for c in api.get("contacts").json()["items"]] == [contact.pk]
