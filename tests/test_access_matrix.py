"""The README's access matrix ("Who sees what"), enforced row by row through the API.

One world: company A with a ticket routed to team T (with its contact, site, equipment and
contract), company B with an unrouted ticket, and a third ticket of company B routed to another
team. Each row of the matrix is one role; each column what the API lists for it.
"""

from __future__ import annotations

from typing import Any

import pytest

from deskline.accounts.models import Role
from deskline.channels.alert_models import AlertPayload, AlertSource
from deskline.channels.alerts import alert_source_token_create
from deskline.tickets.services import ticket_create
from tests.factories import (
    AdminFactory,
    ContactFactory,
    ContactUserFactory,
    ContractFactory,
    EquipmentFactory,
    SiteFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    admin = AdminFactory()
    team, other_team = TeamFactory(), TeamFactory()
    a_contact, b_contact = ContactFactory(), ContactFactory()
    a, b = a_contact.company, b_contact.company
    site, site_b = SiteFactory(company=a), SiteFactory(company=b)
    equipment = EquipmentFactory(company=a, site=site)
    EquipmentFactory(company=b, site=site_b)
    ContractFactory(company=a)
    ContractFactory(company=b)
    routed = ticket_create(actor=admin, title="A routed", contact_id=a_contact.pk, site_id=site.pk,
                           equipment_id=equipment.pk, team_id=team.pk)  # fmt: skip
    unrouted = ticket_create(actor=admin, title="B unrouted", contact_id=b_contact.pk)
    elsewhere = ticket_create(actor=admin, title="B other team", contact_id=b_contact.pk,
                              team_id=other_team.pk)  # fmt: skip
    portal = ContactUserFactory(username="p@a.example", email="p@a.example", contact=a_contact)
    return {"team": team, "a": a, "b": b, "portal": portal,
            "tickets": {"routed": routed.number, "unrouted": unrouted.number,
                        "elsewhere": elsewhere.number}}  # fmt: skip


def _user(role: str, world: dict[str, Any]) -> Any:
    if role == "contact":
        return world["portal"]
    user = UserFactory(role=role)
    world["team"].members.add(user)
    return user


def _listed(api: Any, path: str) -> set[Any]:
    response = api.get(path)
    if response.status_code == 403:
        return {"forbidden"}
    body = response.json()
    rows = body["items"] if isinstance(body, dict) else body
    return {row.get("number", row.get("id")) for row in rows}


#: role -> (tickets it lists, companies it lists ("a", "b"), contracts it lists)
MATRIX = {
    Role.ADMIN: ({"routed", "unrouted", "elsewhere"}, {"a", "b"}, {"a", "b"}),
    Role.SUPERVISOR: ({"routed", "unrouted", "elsewhere"}, {"a", "b"}, {"a", "b"}),
    Role.DISPATCHER: ({"routed", "unrouted", "elsewhere"}, {"a", "b"}, {"a", "b"}),
    Role.AGENT: ({"routed", "unrouted"}, {"a", "b"}, {"a", "b"}),
    Role.CONTRACTOR: ({"routed"}, {"a"}, set()),
    "contact": ({"routed"}, {"a"}, {"a"}),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_each_role_sees_exactly_its_row_of_the_matrix(
    role: str, world: dict[str, Any], api_for: Any
) -> None:
    tickets, companies, contracts = MATRIX[role]
    api = api_for(_user(role, world))
    numbers = world["tickets"]
    assert _listed(api, "tickets") == {numbers[name] for name in tickets}
    ids = {"a": world["a"].pk, "b": world["b"].pk}
    assert _listed(api, "companies") == {ids[name] for name in companies}
    listed_contracts = {c["company_id"] for c in api.get("contracts").json()["items"]}
    assert listed_contracts == {ids[name] for name in contracts}


# Endpoints and pages added with operations, analytics and feedback: who gets in, role by role.
ADMINS_ONLY_API = [
    ("get", "notifications/outbox"),
    ("get", "companies/{company}/export"),
    ("post", "config/what-if"),
    ("post", "config/what-if/sla"),
    ("post", "config/what-if/triggers"),
    ("get", "channels/webhooks"),
]
REPORT_READERS_API = [("get", "reports/sla"), ("get", "reports/breakdown")]
REPORT_READERS_API.append(("get", "kb/report"))  # the knowledge report (issue 17)
ADMINS = {Role.ADMIN, Role.SUPERVISOR}
SEEING_ALL = {Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER}
BODIES = {"config/what-if": {"days": 1, "rule_sets": []},
          "config/what-if/triggers": {"days": 1, "triggers": []}}  # fmt: skip


@pytest.mark.parametrize("role", list(MATRIX))
def test_admin_and_report_endpoints_answer_each_role_as_the_matrix_says(
    role: str, world: dict[str, Any], api_for: Any
) -> None:
    api = api_for(_user(role, world))
    for allowed, endpoints in ((ADMINS, ADMINS_ONLY_API), (SEEING_ALL, REPORT_READERS_API)):
        for method, path in endpoints:
            url = path.format(company=world["a"].pk)
            body = BODIES.get(path, {"days": 1})
            response = api.get(url) if method == "get" else api.post(url, body)
            expected = 200 if role in allowed else 403
            assert response.status_code == expected, (role, path, response.status_code)


@pytest.mark.parametrize("role", list(MATRIX))
def test_staff_pages_added_by_this_change_refuse_clients(
    role: str, world: dict[str, Any], client: Any
) -> None:
    client.force_login(_user(role, world))
    for page in ("/tickets/new/", "/companies/", "/feedback/callbacks/"):
        response = client.get(page)
        if role == "contact":
            assert response.status_code == 302 and response["Location"] == "/portal/", page
        else:
            assert response.status_code == 200, (role, page)
    if role == Role.CONTRACTOR:  # the registry pages follow the contractor's row of the matrix
        listed = client.get("/companies/").content.decode()
        assert world["a"].name in listed and world["b"].name not in listed


@pytest.mark.parametrize("role", list(MATRIX))
def test_alert_intake_takes_only_its_source_secret_never_a_users_token(
    role: str, world: dict[str, Any], api_for: Any
) -> None:
    source = AlertSource.objects.create(name="prom", kind="generic")
    alert_source_token_create(source_id=source.pk)
    body = {"fingerprint": "f1", "status": "firing", "name": "Disk full"}
    response = api_for(_user(role, world)).post("channels/alerts/prom", body)
    assert response.status_code == 401, role
    assert not AlertPayload.objects.exists()


# The knowledge base (issue 17): staff read every published article and write; a client reads
# its audience only, through every route; nobody's token reaches what its role may not.
KB_READ_API = ["kb/articles", "kb/search?q=paper&limit=50"]


@pytest.fixture
def kb_world(world: dict[str, Any]) -> dict[str, Any]:
    from deskline.knowledge.article_services import article_create

    writer = AdminFactory()
    made = {
        name: article_create(actor=writer, title=f"Paper {name}", body="Paper roll.",
                             state="published", audience=audience, companies=companies)
        for name, audience, companies in (
            ("public", "public", []), ("internal", "internal", []),
            ("a", "clients", [world["a"].pk]), ("b", "clients", [world["b"].pk]),
        )
    }  # fmt: skip
    return {name: row.pk for name, row in made.items()}


@pytest.mark.parametrize("role", list(MATRIX))
def test_knowledge_base_api_follows_each_roles_audience(
    role: str, world: dict[str, Any], kb_world: dict[str, int], api_for: Any
) -> None:
    api = api_for(_user(role, world))
    expected = {"public", "a"} if role == "contact" else set(kb_world)
    for path in KB_READ_API:
        assert _listed(api, path) == {kb_world[n] for n in expected}, (role, path)
    for name, pk in kb_world.items():
        status = api.get(f"kb/articles/{pk}").status_code
        assert status == (200 if name in expected else 404), (role, name)
    writes = [api.post("kb/articles", {"title": "New"}).status_code,
              api.patch(f"kb/articles/{kb_world['public']}", {"title": "Renamed"}).status_code,
              api.get(f"kb/articles/{kb_world['public']}/versions").status_code,
              api.get(f"kb/articles/{kb_world['public']}/diff?old=1&new=1").status_code,
              api.post(f"kb/articles/{kb_world['public']}/restore", {"number": 1}).status_code]  # fmt: skip
    assert writes == ([403] * 5 if role == "contact" else [201, 200, 200, 200, 200]), role
    feedback = api.post(f"kb/articles/{kb_world['internal']}/feedback", {"helpful": True})
    assert feedback.status_code == (404 if role == "contact" else 204), role
    deflection = api.post("kb/deflections", {"article_id": kb_world["internal"]})
    assert deflection.status_code == (404 if role == "contact" else 204), role
    assert api.get("kb/categories").status_code == 200


@pytest.mark.parametrize("role", list(MATRIX))
def test_knowledge_pages_open_for_each_role_as_the_matrix_says(
    role: str, world: dict[str, Any], kb_world: dict[str, int], client: Any
) -> None:
    client.force_login(_user(role, world))
    desk = ["/kb/", "/kb/new/", "/kb/review/", f"/kb/{kb_world['public']}/edit/",
            f"/kb/{kb_world['public']}/versions/",
            f"/kb/tickets/{world['tickets']['routed']}/suggestions/"]  # fmt: skip
    portal = ["/portal/help/", "/portal/help/?q=paper", "/portal/help/suggest/?title=paper",
              f"/portal/help/articles/{kb_world['public']}/", "/portal/help/chat/"]  # fmt: skip
    for page in desk:
        response = client.get(page)
        if role == "contact":
            assert response.status_code == 302 and response["Location"] == "/portal/", page
        else:
            assert response.status_code == 200, (role, page)
    for page in portal:
        response = client.get(page)
        if role == "contact":
            assert response.status_code == 200, page
            assert "Paper internal" not in response.content.decode(), page
        else:
            assert response.status_code == 302, (role, page)
    if role == "contact":
        for name in ("internal", "b"):
            page = f"/portal/help/articles/{kb_world[name]}/"
            assert client.get(page).status_code == 404, name
    insert = f"/kb/tickets/{world['tickets']['routed']}/insert/"
    for name, allowed in (("public", 200), ("internal", 404)):
        status = client.post(insert, {"article_id": kb_world[name]}).status_code
        assert status == (302 if role == "contact" else allowed), (role, name)
    report = client.get("/kb/report/").status_code
    assert report == (302 if role == "contact" else 200 if role in SEEING_ALL else 403), role


@pytest.mark.parametrize("role", list(MATRIX))
def test_bot_api_talks_to_clients_only_each_in_its_own_conversation(
    role: str, world: dict[str, Any], kb_world: dict[str, int], api_for: Any
) -> None:
    from deskline.knowledge.bot import conversation_start

    other = conversation_start(user=ContactUserFactory(contact=ContactFactory()))
    api = api_for(_user(role, world))
    started = api.post("bot/conversations")
    assert started.status_code == (201 if role == "contact" else 403), role
    for method, path, body in (("get", f"bot/conversations/{other.pk}", None),
                               ("post", f"bot/conversations/{other.pk}/messages", {"text": "hi"}),
                               ("post", f"bot/conversations/{other.pk}/handover", {})):  # fmt: skip
        response = api.get(path) if method == "get" else api.post(path, body)
        assert response.status_code in (403, 404), (role, path, response.status_code)
    if role == "contact":
        pk = started.json()["id"]
        reply = api.post(f"bot/conversations/{pk}/messages", {"text": "paper internal"}).json()
        offered = {m["article_id"] for m in reply["messages"]} | {
            c for m in reply["messages"] for c in m["choices"]
        }
        assert kb_world["internal"] not in offered and kb_world["b"] not in offered
