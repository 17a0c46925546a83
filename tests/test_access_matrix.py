"""The README's access matrix ("Who sees what"), enforced row by row through the API.

One world: company A with a ticket routed to team T (with its contact, site, equipment and
contract), company B with an unrouted ticket, and a third ticket of company B routed to another
team. Each row of the matrix is one role; each column what the API lists for it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from deskline.accounts.models import Role
from deskline.channels.alert_models import AlertPayload, AlertSource
from deskline.channels.alerts import alert_source_token_create
from deskline.channels.phone import phone_source_token_create
from deskline.channels.phone_models import CallEvent, PhoneSource
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
REPORT_READERS_API = [("get", "reports/sla"), ("get", "reports/breakdown"), ("get", "reports/nps"),
                      ("get", "reports/breaches"), ("get", "reports/answers"),
                      ("get", "reports/stress"), ("get", "reports/time")]  # fmt: skip
REPORT_READERS_API = [("get", "reports/sla"), ("get", "reports/breakdown")]
REPORT_READERS_API.append(("get", "kb/report"))  # the knowledge report (issue 17)
REPORT_READERS_API.append(("get", "reports/tone"))  # tone of clients' messages (issue 19)
#: The time distributions on either clock (issue 18, item 5).
REPORT_READERS_API += [("get", "reports/distribution?clock=business"),
                       ("get", "reports/distribution?clock=wall")]  # fmt: skip
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
    for page in ("/tickets/new/", "/companies/", "/feedback/callbacks/", "/dashboard/",
                 "/phone/card/"):  # fmt: skip
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


@pytest.mark.parametrize("role", list(MATRIX))
def test_phone_intake_takes_only_its_source_secret_never_a_users_token(
    role: str, world: dict[str, Any], api_for: Any
) -> None:
    source = PhoneSource.objects.create(name="pbx")
    phone_source_token_create(source_id=source.pk)
    body = {"call_id": "c1", "event": "started", "from": "+79123456789", "extension": "101"}
    response = api_for(_user(role, world)).post("channels/phone/pbx", body)
    assert response.status_code == 401, role
    assert not CallEvent.objects.exists()


@pytest.mark.parametrize("role", list(MATRIX))
def test_telegram_webhook_takes_only_the_bots_secret_never_a_users_token(
    role: str, world: dict[str, Any], api_for: Any
) -> None:
    from deskline.channels.telegram import webhook_secret_create
    from deskline.channels.telegram_models import TelegramBot, TelegramUpdate

    bot = TelegramBot.objects.create(name="support", token="x")
    webhook_secret_create(bot=bot)
    body = {"update_id": 1, "message": {"message_id": 1, "chat": {"id": 5, "type": "private"}}}
    response = api_for(_user(role, world)).post(f"channels/telegram/{bot.pk}", body)
    assert response.status_code == 401, role
    assert not TelegramUpdate.objects.exists()


@pytest.mark.parametrize("role", list(MATRIX))
def test_connect_telegram_page_is_the_clients_own(
    role: str, world: dict[str, Any], client: Any
) -> None:
    client.force_login(_user(role, world))
    response = client.get("/portal/telegram/")
    if role == "contact":
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response["Location"] == "/", role


@pytest.mark.parametrize("role", list(MATRIX))
def test_ticket_coverage_fragment_follows_ticket_visibility_and_hides_contracts_from_contractors(
    role: str, world: dict[str, Any], client: Any
) -> None:
    client.force_login(_user(role, world))
    numbers, company = world["tickets"], world["a"].pk
    elsewhere = client.post(f"/tickets/{numbers['elsewhere']}/coverage/", {"company": company})
    routed = client.post(f"/tickets/{numbers['routed']}/coverage/", {"company": company})
    if role == "contact":
        assert elsewhere.status_code == routed.status_code == 302
        return
    assert elsewhere.status_code == (200 if role in SEEING_ALL else 404)
    assert routed.status_code == 200
    offers_contracts = re.search(r'<option value="\d', routed.content.decode()) is not None
    assert offers_contracts == (role != Role.CONTRACTOR)


REGISTRY_LISTS = ("/companies/", "/contacts/", "/sites/", "/equipment/", "/contracts/")
REGISTRY_NEW = ("/companies/new/", "/contacts/new/", "/sites/new/", "/equipment/new/",
                "/contracts/new/")  # fmt: skip
WRITERS = {Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER}


@pytest.mark.parametrize("role", list(MATRIX))
def test_registry_pages_read_by_staff_and_written_by_dispatchers(
    role: str, world: dict[str, Any], client: Any
) -> None:
    client.force_login(_user(role, world))
    a = world["a"].pk
    for page in (*REGISTRY_LISTS, *REGISTRY_NEW, f"/companies/{a}/edit/"):
        response = client.get(page)
        if role == "contact":
            assert response.status_code == 302 and response["Location"] == "/portal/", page
        elif page in REGISTRY_LISTS:
            assert response.status_code == 200, (role, page)
        else:
            assert response.status_code == (200 if role in WRITERS else 403), (role, page)
    if role == Role.CONTRACTOR:  # the contractor's row: company A's registry, no contract
        assert world["b"].name not in client.get("/sites/").content.decode()
        assert "/contracts/" not in client.get("/contracts/").content.decode().split("<table")[1]


@pytest.mark.parametrize("role", list(MATRIX))
def test_report_pages_follow_the_report_readers_row(
    role: str, world: dict[str, Any], client: Any
) -> None:
    client.force_login(_user(role, world))
    for page in ("/reports/", "/reports/breakdown/", "/reports/sla/chart.svg", "/reports/forecast/",
                 "/reports/forecast/chart.svg", "/reports/distribution/?clock=wall",
                 "/reports/distribution/chart.svg?clock=business"):  # fmt: skip
        response = client.get(page)
        if role == "contact":
            assert response.status_code == 302, page
        else:
            assert response.status_code == (200 if role in SEEING_ALL else 403), (role, page)


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
    desk = ["/kb/", "/kb/?q=paper", "/kb/new/", "/kb/review/", f"/kb/{kb_world['public']}/edit/",
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


# Billing (issue 16): the catalogue and price lists for staff (written by admins); a ticket's
# charges follow the ticket's row of the matrix, clients read them only when their company sees
# prices and never write them.
BILLING_STAFF_API = [("get", "services"), ("get", "price-lists")]
BILLING_ADMIN_API = [("post", "price-lists")]
STAFF = {Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER, Role.AGENT, Role.CONTRACTOR}


@pytest.mark.parametrize("role", list(MATRIX))
def test_billing_catalogue_endpoints_answer_each_role_as_the_matrix_says(
    role: str, world: dict[str, Any], api_for: Any
) -> None:
    api = api_for(_user(role, world))
    for method, path in BILLING_STAFF_API:
        expected = 200 if role in STAFF else 403
        assert getattr(api, method)(path).status_code == expected, (role, path)
    body = {"name": "x", "currency": "RUB", "valid_from": "2026-01-01"}
    for _method, path in BILLING_ADMIN_API:
        expected = 201 if role in ADMINS else 403
        assert api.post(path, body).status_code == expected, (role, path)
    # A contract's package hours: whoever lists the contract (its row of the matrix).
    _tickets, _companies, contracts = MATRIX[role]
    for name in ("a", "b"):
        contract = world[name].contracts.get()
        expected = 200 if name in contracts else 404
        assert api.get(f"contracts/{contract.pk}/hours").status_code == expected, (role, name)


@pytest.mark.parametrize("role", list(MATRIX))
def test_ticket_charges_follow_the_ticket_matrix_and_the_companys_price_setting(
    role: str, world: dict[str, Any], api_for: Any
) -> None:
    from deskline.billing.models import CatalogItem, CompanyBilling, Price, PriceList

    item = CatalogItem.objects.create(kind="hour", code="H", name="Hour", unit="h")
    price_list = PriceList.objects.create(name="d", valid_from="2020-01-01")
    Price.objects.create(price_list=price_list, item=item, amount="100.00")
    api = api_for(_user(role, world))
    tickets, _companies, _contracts = MATRIX[role]
    for name, number in world["tickets"].items():
        url = f"tickets/{number}/charges"
        read = api.get(url).status_code
        write = api.post(url, {"item_id": item.pk, "quantity": "1"}).status_code
        if name not in tickets:
            assert (read, write) == (404, 404), (role, name)
        elif role == "contact":
            assert (read, write) == (403, 403), (role, name)
        else:
            assert (read, write) == (200, 201), (role, name)
    if role == "contact":  # once company A sees prices, its client reads (never writes)
        CompanyBilling.objects.create(company=world["a"], sees_prices=True)
        url = f"tickets/{world['tickets']['routed']}/charges"
        assert api.get(url).status_code == 200
        assert api.post(url, {"item_id": item.pk, "quantity": "1"}).status_code == 403


@pytest.mark.parametrize("role", list(MATRIX))
def test_acts_follow_the_ticket_matrix_clients_see_their_companys_issued_acts(
    role: str, world: dict[str, Any], api_for: Any, admin_api: Any
) -> None:
    from deskline.billing.models import CatalogItem, CompanyBilling, Price, PriceList

    item = CatalogItem.objects.create(kind="hour", code="H", name="Hour", unit="h")
    price_list = PriceList.objects.create(name="d", valid_from="2020-01-01")
    Price.objects.create(price_list=price_list, item=item, amount="100.00")
    CompanyBilling.objects.create(company=world["a"], sees_prices=True)
    acts = {}
    for name in ("routed", "elsewhere"):
        number = world["tickets"][name]
        admin_api.post(f"tickets/{number}/charges", {"item_id": item.pk, "quantity": "1"})
        acts[name] = admin_api.post("acts", {"ticket_number": number}).json()["id"]
        admin_api.post(f"acts/{acts[name]}/issue")
    api = api_for(_user(role, world))
    sees = {"routed", "elsewhere"} if role in SEEING_ALL else {"routed"}
    assert {a["id"] for a in api.get("acts").json()} == {acts[n] for n in sees}, role
    for name, act_id in acts.items():
        expected = 200 if name in sees else 404
        assert api.get(f"acts/{act_id}/pdf").status_code == expected, (role, name)
    signer = role in SEEING_ALL or role == Role.AGENT
    assert api.post(f"acts/{acts['routed']}/sign").status_code == (200 if signer else 403), role
    monthly = {"company_id": world["b"].pk, "year": 2026, "month": 1}
    assert api.post("acts/monthly", monthly).status_code == (201 if role in SEEING_ALL else 403)
    cancel = api.post(f"acts/{acts['routed']}/cancel").status_code
    assert cancel == (200 if role in SEEING_ALL else 403), role


@pytest.mark.parametrize("role", list(MATRIX))
def test_billing_pages_follow_the_matrix(
    role: str, world: dict[str, Any], client: Any, admin_api: Any
) -> None:
    from deskline.billing.models import CatalogItem, CompanyBilling, Price, PriceList

    item = CatalogItem.objects.create(kind="hour", code="H", name="Hour", unit="h")
    price_list = PriceList.objects.create(name="d", valid_from="2020-01-01")
    Price.objects.create(price_list=price_list, item=item, amount="100.00")
    CompanyBilling.objects.create(company=world["a"], sees_prices=True)
    acts = {}
    for name in ("routed", "elsewhere"):
        number = world["tickets"][name]
        admin_api.post(f"tickets/{number}/charges", {"item_id": item.pk, "quantity": "1"})
        acts[name] = admin_api.post("acts", {"ticket_number": number}).json()["id"]
        admin_api.post(f"acts/{acts[name]}/issue")
    client.force_login(_user(role, world))
    tickets, _companies, _contracts = MATRIX[role]
    sees_acts = {"routed", "elsewhere"} if role in SEEING_ALL else {"routed"}
    if role == "contact":
        for page in ("/billing/acts/", "/billing/invoices/", f"/billing/acts/{acts['routed']}/",
                     f"/billing/tickets/{world['tickets']['routed']}/charges/",
                     f"/billing/companies/{world['a'].pk}/balance/"):  # fmt: skip
            response = client.get(page)
            assert response.status_code == 302 and response["Location"] == "/portal/", page
        assert client.get("/portal/acts/").status_code == 200
        assert client.get(f"/portal/acts/{acts['routed']}/pdf/").status_code == 200
        assert client.get(f"/portal/acts/{acts['elsewhere']}/pdf/").status_code == 404
        for name, number in world["tickets"].items():  # the portal ticket page's charges
            expected = 200 if name in tickets else 404
            assert client.get(f"/portal/acts/charges/{number}/").status_code == expected, name
        return
    assert client.get("/billing/acts/").status_code == 200
    assert client.get("/billing/invoices/").status_code == (200 if role in SEEING_ALL else 403)
    balance = client.get(f"/billing/companies/{world['a'].pk}/balance/")  # empty if not theirs
    assert balance.status_code == 200 and (b"Balance" in balance.content) == (role in SEEING_ALL)
    assert client.get("/portal/acts/").status_code == 302
    assert client.get(f"/portal/acts/charges/{world['tickets']['routed']}/").status_code == 302
    for name, number in world["tickets"].items():
        expected = 200 if name in tickets else 404
        assert client.get(f"/billing/tickets/{number}/charges/").status_code == expected
    for name, act_id in acts.items():
        for page in (f"/billing/acts/{act_id}/", f"/billing/acts/{act_id}/pdf/"):
            expected = 200 if name in sees_acts else 404
            assert client.get(page).status_code == expected, (role, page)


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


@pytest.mark.parametrize("role", list(MATRIX))
def test_invoices_payments_balance_and_exports_follow_the_matrix(
    role: str, world: dict[str, Any], api_for: Any, admin_api: Any, settings: Any
) -> None:
    from deskline.billing.models import CatalogItem, CompanyBilling, Price, PriceList

    settings.DESKLINE_BILLING_WEBHOOK_SECRET = "billing-secret"
    item = CatalogItem.objects.create(kind="hour", code="H", name="Hour", unit="h")
    price_list = PriceList.objects.create(name="d", valid_from="2020-01-01")
    Price.objects.create(price_list=price_list, item=item, amount="100.00")
    CompanyBilling.objects.create(company=world["a"], sees_prices=True)
    invoices, acts = {}, {}
    for name in ("routed", "elsewhere"):
        number = world["tickets"][name]
        admin_api.post(f"tickets/{number}/charges", {"item_id": item.pk, "quantity": "1"})
        acts[name] = admin_api.post("acts", {"ticket_number": number}).json()["id"]
        admin_api.post(f"acts/{acts[name]}/issue")
        invoices[name] = admin_api.post("invoices", {"act_ids": [acts[name]]}).json()
    api = api_for(_user(role, world))
    listed = {i["id"] for i in api.get("invoices").json()}
    expected = {"routed", "elsewhere"} if role in SEEING_ALL else set()
    if role == "contact":
        expected = {"routed"}  # company A's, which sees prices
    assert listed == {invoices[n]["id"] for n in expected}, role
    accountant = role in SEEING_ALL
    invoice_id = invoices["routed"]["id"]
    paid = api.post(f"invoices/{invoice_id}/payments", {"amount": "1.00"}).status_code
    assert paid == (201 if accountant else 403), role
    for path in (f"companies/{world['a'].pk}/balance", "billing/export/acts?start=2020-01-01&end=2100-01-01",
                 "billing/export/invoices?start=2020-01-01&end=2100-01-01",
                 "billing/export/documents?start=2020-01-01&end=2100-01-01&format=jsonl"):  # fmt: skip
        assert api.get(path).status_code == (200 if accountant else 403), (role, path)
    body = {"invoice_number": invoices["routed"]["number"], "status": "paid", "amount": "1.00",
            "payment_id": "x"}  # fmt: skip
    assert api.post("billing/payments/webhook", body).status_code == 401, role


@pytest.mark.parametrize("role", list(MATRIX))
def test_profitability_is_for_those_who_see_every_company(
    role: str, world: dict[str, Any], api_for: Any, client: Any
) -> None:
    user = _user(role, world)
    allowed = role in SEEING_ALL
    status = api_for(user).get("billing/profitability?month=2026-11").status_code
    assert status == (200 if allowed else 403), role
    client.force_login(user)
    page = client.get("/billing/profitability/?month=2026-11")
    if role == "contact":
        assert page.status_code == 302 and page["Location"] == "/portal/"
    else:
        assert page.status_code == (200 if allowed else 403), role


@pytest.mark.parametrize("role", list(MATRIX))
def test_checklists_and_time_follow_the_tickets_row_and_never_reach_clients(
    role: str, world: dict[str, Any], api_for: Any
) -> None:
    api = api_for(_user(role, world))
    numbers = world["tickets"]
    for name in ("routed", "elsewhere"):
        response = api.get(f"tickets/{numbers[name]}/time-entries")
        if role == "contact":
            assert response.status_code == 403, (role, name)
        elif name == "routed" or role in SEEING_ALL:
            assert response.status_code == 200, (role, name)
        else:
            assert response.status_code == 404, (role, name)


@pytest.mark.parametrize("role", list(MATRIX))
def test_visits_follow_the_tickets_row_and_clients_never_see_positions(
    role: str, world: dict[str, Any], api_for: Any
) -> None:
    import datetime as dt

    from deskline.clients.models import Site
    from deskline.fieldwork.models import EngineerProfile
    from deskline.fieldwork.visits import visit_plan, visit_progress

    admin = AdminFactory()
    engineer = UserFactory(role=Role.AGENT)
    EngineerProfile.objects.create(user=engineer, weekdays=list(range(7)), time_zone="UTC")
    start = dt.datetime(2030, 1, 7, 10, tzinfo=dt.UTC)
    made = {}
    for name, company in (("routed", world["a"]), ("elsewhere", world["b"])):
        site = Site.objects.filter(company=company).first()
        assert site is not None
        made[name] = visit_plan(actor=admin, number=world["tickets"][name],
                                engineer_ids=[engineer.pk], start=start, site_id=site.pk,
                                end=start + dt.timedelta(hours=1), force=True)  # fmt: skip
        start += dt.timedelta(hours=2)
    visit_progress(actor=engineer, visit_id=made["routed"].pk, status="on_site",
                   latitude=55.7, longitude=37.6)  # fmt: skip
    api = api_for(_user(role, world))
    listed = {row["id"]: row for row in api.get("visits").json()}
    expected = {"routed", "elsewhere"} if role in SEEING_ALL else {"routed"}
    assert set(listed) == {made[n].pk for n in expected}, role
    if role == "contact":
        assert listed[made["routed"].pk]["check_in_distance_m"] is None
    assert api.get(f"visits/{made['elsewhere'].pk}").status_code == (
        200 if role in SEEING_ALL else 404), role  # fmt: skip
    staff_only = 403 if role == "contact" else 200
    assert api.get("engineers").status_code == staff_only, role
    planner = role not in ("contact", Role.CONTRACTOR)
    body = {"day": "2030-01-08", "seconds": 0.2}
    assert api.post("dispatch/day-plan", body).status_code == (200 if planner else 403), role
    moved = api.patch(f"visits/{made['routed'].pk}", {"start": "2030-01-09T10:00:00Z",
                                                       "end": "2030-01-09T11:00:00Z",
                                                       "force": True}).status_code  # fmt: skip
    assert moved == (200 if planner else 403), role


# Planned maintenance (issue 15, item 6): plans follow the companies row of the matrix; only
# registry writers write them.
@pytest.mark.parametrize("role", list(MATRIX))
def test_maintenance_plans_follow_the_companies_row_and_registry_writers_write(
    role: str, world: dict[str, Any], api_for: Any, client: Any
) -> None:
    from deskline.fieldwork.maintenance_services import plan_create

    admin = AdminFactory()
    plans = {name: plan_create(actor=admin, values={
        "name": f"Plan {name}", "equipment_id": world[name].equipment.get().pk,
        "rule": "FREQ=MONTHLY", "title": "Service"}).pk for name in ("a", "b")}  # fmt: skip
    api = api_for(_user(role, world))
    _tickets, companies, _contracts = MATRIX[role]
    assert _listed(api, "maintenance-plans") == {plans[n] for n in companies}, role
    for name, pk in plans.items():
        expected = 200 if name in companies else 404
        assert api.get(f"maintenance-plans/{pk}").status_code == expected, (role, name)
    body = {"name": "New", "equipment_id": world["a"].equipment.get().pk, "rule": "FREQ=YEARLY",
            "title": "Service"}  # fmt: skip
    created = api.post("maintenance-plans", body).status_code
    assert created == (201 if role in WRITERS else 403), role
    changed = api.patch(f"maintenance-plans/{plans['a']}", {"name": "Renamed"}).status_code
    assert changed == (200 if role in WRITERS else 403), role
    client.force_login(api.user)
    for name, pk in plans.items():  # the desk's plan page: a staff page with the same rows
        response = client.get(f"/maintenance/{pk}/")
        if role == "contact":
            assert response.status_code == 302 and response["Location"] == "/portal/"
        else:
            assert response.status_code == (200 if name in companies else 404), (role, name)


# Triage (issue 19): the threshold page is the admins'; a ticket's triage panel and its
# suggestion actions follow the ticket's row of the matrix.
@pytest.mark.parametrize("role", list(MATRIX))
def test_triage_pages_follow_the_matrix(role: str, world: dict[str, Any], client: Any) -> None:
    client.force_login(_user(role, world))
    numbers = world["tickets"]
    thresholds = client.get("/triage/")
    panel = client.get(f"/triage/tickets/{numbers['routed']}/")
    elsewhere = client.get(f"/triage/tickets/{numbers['elsewhere']}/")
    accept = client.post(f"/triage/tickets/{numbers['elsewhere']}/category/accept/")
    answer = client.post(f"/triage/tickets/{numbers['routed']}/answers/999999/")
    incident = client.post("/triage/incidents/999999/accept/")
    if role == "contact":
        assert {
            r.status_code for r in (thresholds, panel, elsewhere, accept, answer, incident)
        } == {302}
        return
    assert answer.status_code == incident.status_code == 404
    assert thresholds.status_code == (200 if role in ADMINS else 403)
    assert panel.status_code == 200
    assert elsewhere.status_code == (200 if role in SEEING_ALL else 404)
    # No suggestion is open, so even a role that sees the ticket finds nothing to accept.
    assert accept.status_code == 404


# Expiries and labels (issue 15, items 7-8): the list follows the registry rows (a client: its
# company's, a contractor: no contract); the desk pages are staff pages.
@pytest.mark.parametrize("role", list(MATRIX))
def test_expiring_list_and_maintenance_pages_follow_the_matrix(
    role: str, world: dict[str, Any], api_for: Any, client: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    soon = timezone.localdate() + dt.timedelta(days=20)
    for name in ("a", "b"):
        world[name].equipment.update(warranty_until=soon)
        world[name].contracts.update(ends_on=soon)
    user = _user(role, world)
    _tickets, companies, contracts = MATRIX[role]
    rows = api_for(user).get("expiring", {"days": 30}).json()
    ids = {world["a"].pk: "a", world["b"].pk: "b"}
    assert {(r["kind"], ids[r["company_id"]]) for r in rows} == {
        *(("warranty", n) for n in companies), *(("contract", n) for n in contracts)}, role  # fmt: skip
    client.force_login(user)
    site = world["a"].sites.get().pk
    for page in ("/expiring/", "/expiring/?days=90", "/maintenance/", f"/sites/{site}/labels.pdf"):
        response = client.get(page)
        if role == "contact":
            assert response.status_code == 302 and response["Location"] == "/portal/", page
        else:
            assert response.status_code == 200, (role, page)
    if role == Role.CONTRACTOR:  # a site outside the contractor's row is not found
        assert client.get(f"/sites/{world['b'].sites.get().pk}/labels.pdf").status_code == 404
    if role == "contact":
        item = world["a"].equipment.get()
        form = client.get(f"/portal/new/?equipment={item.pk}&site={site}").content.decode()
        assert f'<option value="{item.pk}" selected>' in form


# Article images and attachments (issue 17): a file opens for exactly the readers of its article
# (portal address and API alike); uploading and deleting are staff's. Bot flows are edited in
# the admin only.
@pytest.mark.parametrize("role", [*MATRIX, "anonymous"])
def test_article_files_follow_their_articles_audience(
    role: str, world: dict[str, Any], kb_world: dict[str, int], client: Any, api_for: Any
) -> None:
    import io

    from deskline.knowledge.article_services import article_file_add

    writer = AdminFactory()
    files = {name: article_file_add(actor=writer, article_id=pk, filename=f"{name}.pdf",
                                    content=io.BytesIO(b"%PDF-1.4\n" + b"x" * 40), size=49)
             for name, pk in kb_world.items()}  # fmt: skip
    readers = {"contact": {"public", "a"}, "anonymous": {"public"}}.get(role, set(kb_world))
    if role != "anonymous":
        client.force_login(_user(role, world))
    for name, row in files.items():
        status = client.get(row.url).status_code
        assert status == (200 if name in readers else 404), (role, name)
    if role == "anonymous":
        return
    api = api_for(_user(role, world) if role != "contact" else world["portal"])
    for name, row in files.items():
        status = api.get(f"kb/articles/{row.article_id}/files/{row.pk}").status_code
        assert status == (200 if name in readers else 404), (role, name)
    public = kb_world["public"]
    upload = client.post(f"/kb/{public}/files/", {"files": []})
    assert upload.status_code == 302
    assert upload["Location"] == ("/portal/" if role == "contact" else f"/kb/{public}/edit/")
    delete = client.post(f"/kb/{public}/files/{files['public'].pk}/delete/").status_code
    assert delete == 302
    still = client.get(files["public"].url).status_code
    assert still == (200 if role == "contact" else 404), role
    # The settings admin needs Django's staff flag (installation admins, `AdminFactory`): no
    # role by itself opens it; tests/knowledge/test_flows.py saves a flow there as an admin.
    assert client.get("/admin/knowledge/botflow/").status_code == 302, role


@pytest.mark.parametrize("role", list(MATRIX))
def test_the_angry_clients_view_lists_exactly_the_roles_row_of_the_matrix(
    role: str, world: dict[str, Any], client: Any
) -> None:
    from deskline.tickets.models import Ticket
    from deskline.triage.models import MessageTone

    for ticket in Ticket.objects.all():  # every client of the world is angry
        MessageTone.objects.create(ticket=ticket, tone="negative", confidence=0.9, angry=0.9,
                                   urgent=0.0, created_at=ticket.created_at)  # fmt: skip
    client.force_login(_user(role, world))
    response = client.get("/?view=angry")
    if role == "contact":
        assert response.status_code == 302 and response["Location"] == "/portal/"
        return
    listed = {int(n) for n in re.findall(r'id="t-(\d+)"', response.content.decode())}
    numbers = world["tickets"]
    assert listed == {numbers[name] for name in MATRIX[role][0]}, role
