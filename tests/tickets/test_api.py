"""The tickets REST API: shapes, errors, optimistic locking, lists and search."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from deskline.tickets import search
from deskline.tickets.listing import parse_sort
from deskline.tickets.models import Priority, Status, Ticket
from deskline.tickets.services import comment_add
from tests.factories import ContractFactory, EquipmentFactory
from tests.queries import settle_reference_cache
from tests.servers import postgresql_only, sqlite_only

pytestmark = pytest.mark.django_db


def test_create_answers_201_with_the_number(admin_api):
    response = admin_api.post("tickets", {"title": "Lift stuck", "description": "Floor 3"})
    assert response.status_code == 201
    body = response.json()
    assert body["number"] > 0
    assert body["status"]["code"] == "new"
    assert body["description"] == "<p>Floor 3</p>"


def test_get_by_number(admin_api, make_ticket):
    ticket = make_ticket(title="Fridge warm")
    response = admin_api.get(f"tickets/{ticket.number}")
    assert response.status_code == 200
    assert response.json()["title"] == "Fridge warm"


def test_unknown_ticket_is_404_in_the_error_shape(admin_api):
    response = admin_api.get("tickets/999999")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_missing_title_is_422_naming_the_field(admin_api):
    response = admin_api.post("tickets", {"description": "no title"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "title" in error["fields"]


def test_unknown_reference_is_422_naming_the_field(admin_api):
    response = admin_api.post("tickets", {"title": "x", "site_id": 424242})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"site_id": "no site with id 424242"}


def test_no_credentials_is_401_in_the_error_shape(db):
    response = Client().get("/api/v1/tickets")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_a_wrong_token_is_401(db):
    response = Client(HTTP_AUTHORIZATION="Bearer dl_nope").get("/api/v1/tickets")
    assert response.status_code == 401


def test_stale_version_is_409_with_the_current_ticket(admin_api, make_ticket):
    ticket = make_ticket()
    assert (
        admin_api.patch(f"tickets/{ticket.number}", {"version": 1, "title": "A"}).status_code == 200
    )
    response = admin_api.patch(f"tickets/{ticket.number}", {"version": 1, "title": "B"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict"
    assert (error["current"]["title"], error["current"]["version"]) == ("A", 2)


def test_status_change_by_code(admin_api, make_ticket):
    ticket = make_ticket()
    response = admin_api.post(f"tickets/{ticket.number}/status", {"status": "in_progress"})
    assert response.status_code == 200
    assert response.json()["status"]["phase"] == "open"


def test_status_change_missing_comment_is_422(admin_api, make_ticket):
    ticket = make_ticket()
    response = admin_api.post(f"tickets/{ticket.number}/status", {"status": "closed"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"comment": "is required for this change"}


def test_assign_comment_history_round_trip(admin_api, make_ticket, team, agent):
    number = make_ticket().number
    assert (
        admin_api.post(
            f"tickets/{number}/assign", {"team_id": team.pk, "assignee_id": agent.pk}
        ).status_code
        == 200
    )
    assert admin_api.post(f"tickets/{number}/comments", {"body": "Done"}).status_code == 201
    kinds = [e["kind"] for e in admin_api.get(f"tickets/{number}/history").json()]
    assert kinds == ["created", "assigned", "commented"]
    assert [c["body"] for c in admin_api.get(f"tickets/{number}/comments").json()] == [
        "<p>Done</p>"
    ]


def test_attachment_upload_and_download(admin_api, make_ticket):
    from django.core.files.uploadedfile import SimpleUploadedFile

    number = make_ticket().number
    upload = SimpleUploadedFile("notes.txt", b"serial 42", content_type="text/plain")
    created = admin_api.upload(f"tickets/{number}/attachments", {"file": upload})
    assert created.status_code == 201, created.content
    download = admin_api.get(created.json()["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"serial 42"
    assert download["Content-Disposition"].startswith("attachment")


def test_links_and_merge_over_the_api(admin_api, make_ticket):
    first, second, third = make_ticket(), make_ticket(), make_ticket()
    linked = admin_api.post(f"tickets/{first.number}/links", {"other_number": second.number})
    assert [t["number"] for t in linked.json()["related"]] == [second.number]
    merged = admin_api.post(f"tickets/{third.number}/merge", {"into_number": first.number})
    assert merged.status_code == 200
    assert admin_api.get(f"tickets/{third.number}").json()["merged_into_number"] == first.number


def test_list_pages_through_every_ticket_once(admin_api, make_ticket):
    numbers = {make_ticket().number for _ in range(7)}
    seen, cursor = [], ""
    while True:
        page = admin_api.get("tickets", {"limit": 3, "cursor": cursor, "sort": "-updated"}).json()
        seen += [t["number"] for t in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(numbers)
    assert seen == sorted(seen, reverse=True)


@pytest.mark.parametrize(
    "sort", ["created", "-created", "updated", "priority", "-priority", "number", "-number"]
)
def test_list_sorts_with_ties_broken_by_id(admin_api, make_ticket, sort):
    for _ in range(4):
        make_ticket()
    first = admin_api.get("tickets", {"limit": 2, "sort": sort}).json()
    second = admin_api.get(
        "tickets", {"limit": 2, "sort": sort, "cursor": first["next_cursor"]}
    ).json()
    numbers = [t["number"] for t in first["items"] + second["items"]]
    assert len(set(numbers)) == 4


def test_list_filters_by_status_and_team(admin_api, make_ticket, team):
    wanted = make_ticket(team_id=team.pk)
    make_ticket()
    new = Status.objects.get(code="new")
    page = admin_api.get("tickets", {"status": new.pk, "team": team.pk}).json()
    assert [t["number"] for t in page["items"]] == [wanted.number]


@pytest.mark.parametrize("sort", ["-updated", "updated"])
def test_a_list_narrowed_to_one_status_and_team_pages_through_each_ticket_once_in_order(
    admin_api, make_ticket, team, sort
):
    wanted = {make_ticket(team_id=team.pk).number for _ in range(5)}
    make_ticket()
    new = Status.objects.get(code="new")
    seen, cursor = [], ""
    while True:
        params = {"status": new.pk, "team": team.pk, "limit": 2, "sort": sort, "cursor": cursor}
        page = admin_api.get("tickets", params).json()
        seen += [t["number"] for t in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert set(seen) == wanted and len(seen) == 5
    assert seen == sorted(seen, reverse=sort.startswith("-"))


def test_bad_sort_and_bad_cursor_are_422(admin_api):
    assert admin_api.get("tickets", {"sort": "title"}).json()["error"]["fields"].keys() == {"sort"}
    assert admin_api.get("tickets", {"cursor": "garbage!"}).json()["error"]["fields"].keys() == {
        "cursor"
    }


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("The printer is jammed on floor two", "printers jammed"),
        ("Не работает холодильник в зале", "холодильники"),
    ],
)
def test_text_search_finds_stemmed_words_in_english_and_russian(
    admin_api, make_ticket, text, query
):
    wanted = make_ticket(title="Request", description=text)
    make_ticket(title="Something else")
    page = admin_api.get("tickets", {"q": query}).json()
    assert [t["number"] for t in page["items"]] == [wanted.number]


def test_text_search_covers_comments(admin_api, make_ticket, admin):
    wanted = make_ticket(title="Cash register")
    comment_add(actor=admin, number=wanted.number, body="Replaced the thermal head")
    make_ticket(title="Cash register")
    page = admin_api.get("tickets", {"q": "thermal"}).json()
    assert [t["number"] for t in page["items"]] == [wanted.number]


def _search(api, word: str) -> tuple[list[int], str]:
    """The numbers a search lists and the SQL of its list query."""
    with CaptureQueriesContext(connection) as ctx:
        page = api.get("tickets", {"q": word, "sort": "-updated"}).json()
    listing = [q["sql"] for q in ctx.captured_queries if 'FROM "tickets_ticket"' in q["sql"]]
    return [t["number"] for t in page["items"]], listing[0]


@postgresql_only
def test_a_search_with_few_matches_lists_them_by_id_and_a_common_one_by_the_sort(
    admin_api, make_ticket, monkeypatch
):
    monkeypatch.setattr(search, "SELECTIVE_MATCHES", 2)
    rare = make_ticket(title="Serial SN-4471 fails")
    common = [make_ticket(title=f"Printer jam {i}") for i in range(3)]
    numbers, sql = _search(admin_api, "SN-4471")
    assert numbers == [rare.number]
    assert "tickets_search" not in sql  # the ids came from the capped index read
    numbers, sql = _search(admin_api, "printer")
    assert numbers == [t.number for t in reversed(common)]
    assert "tickets_search" in sql


@postgresql_only
def test_a_word_the_planner_counts_as_common_skips_the_index_read(
    admin_api, make_ticket, monkeypatch
):
    monkeypatch.setattr(search, "SELECTIVE_MATCHES", 0)
    monkeypatch.setattr(search, "COMMON_SHARE", 0.0)  # every estimate (at least 1 row) is "common"
    wanted = make_ticket(title="Serial SN-4471 fails")
    with CaptureQueriesContext(connection) as ctx:
        page = admin_api.get("tickets", {"q": "SN-4471"}).json()
    assert [t["number"] for t in page["items"]] == [wanted.number]
    reads = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT ticket_id")]
    assert reads == []  # only the EXPLAIN ran; the list used the sort-index walk


@sqlite_only
def test_on_sqlite_a_common_word_walks_the_sort_index_and_a_rare_one_fetches_its_matches(
    admin_api, make_ticket, monkeypatch
):
    monkeypatch.setattr(search, "fts5_lookup_limit", lambda tickets: 2)
    rare = make_ticket(title="Serial SN-4471 fails")
    common = [make_ticket(title=f"Printer jam {i}") for i in range(3)]
    numbers, sql = _search(admin_api, "SN-4471")
    assert (numbers, "+tickets_ticket.id IN" in sql) == ([rare.number], False)
    numbers, sql = _search(admin_api, "printer")
    assert (numbers, "+tickets_ticket.id IN" in sql) == (
        [t.number for t in reversed(common)],
        True,
    )


def _all_pages(api, params: dict[str, object]) -> list[int]:
    numbers, cursor = [], ""
    while True:
        page = api.get("tickets", {**params, "cursor": cursor}).json()
        numbers += [t["number"] for t in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            return numbers


@pytest.mark.parametrize("sort", ["-updated", "created", "-priority", "number"])
def test_search_pages_list_the_same_tickets_whether_matches_are_fetched_or_walked(
    admin_api, make_ticket, monkeypatch, sort
):
    priorities = list(Priority.objects.order_by("weight"))
    for i in range(5):
        make_ticket(title=f"Printer jam {i}", priority_id=priorities[i % len(priorities)].pk)
        make_ticket(title=f"Scanner jam {i}")
    params = {"q": "printer", "sort": sort, "limit": 2}
    monkeypatch.setattr(search, "fts5_lookup_limit", lambda tickets: 100)
    monkeypatch.setattr(search, "SELECTIVE_MATCHES", 100)
    fetched = _all_pages(admin_api, params)
    monkeypatch.setattr(search, "fts5_lookup_limit", lambda tickets: 0)
    monkeypatch.setattr(search, "SELECTIVE_MATCHES", 0)
    walked = _all_pages(admin_api, params)
    expected = list(
        Ticket.objects.filter(title__startswith="Printer")
        .order_by(*parse_sort(sort).order_by)
        .values_list("number", flat=True)
    )
    assert (fetched, walked) == (expected, expected)


def test_fts5_lookup_limit_grows_with_the_square_root_of_the_tickets() -> None:
    assert [search.fts5_lookup_limit(n) for n in (0, 10_000, 100_000, 1_000_000)] == [
        search.FTS5_LOOKUP_MIN,
        130,
        411,
        1300,
    ]


def _list_queries(api) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert api.get("tickets", {"limit": 100}).status_code == 200
    return len(ctx.captured_queries)


def test_list_costs_the_same_queries_for_5_and_40_tickets(admin_api, make_ticket, team, agent):
    for _ in range(5):
        make_ticket(team_id=team.pk, assignee_id=agent.pk)
    _list_queries(admin_api)  # the first request also stamps the token's last use
    few = _list_queries(admin_api)
    for _ in range(35):
        make_ticket(team_id=team.pk, assignee_id=agent.pk)
    assert _list_queries(admin_api) == few


def test_openapi_schema_and_docs_are_served(db):
    assert Client().get("/api/v1/openapi.json").status_code == 200
    assert Client().get("/api/v1/docs").status_code == 200


def test_browser_session_reads_the_api(admin):
    browser = Client()
    browser.force_login(admin)
    assert browser.get("/api/v1/tickets").status_code == 200


def test_browser_session_writes_need_the_csrf_token(admin):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin)
    refused = browser.post("/api/v1/tickets", data={"title": "x"}, content_type="application/json")
    assert refused.status_code in (401, 403)
    browser.get("/api/v1/docs")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        "/api/v1/tickets",
        data={"title": "x"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert accepted.status_code == 201


def test_docs_page_assets_are_served_locally(db):
    page = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    asset = Client().get("/static/ninja/swagger-ui-bundle.js")
    assert asset.status_code == 200


def test_unknown_api_path_is_404_in_the_error_shape(admin_api):
    response = admin_api.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_malformed_json_is_400_in_the_error_shape(admin_api):
    response = admin_api.client.post(
        "/api/v1/tickets", data="{bad", content_type="application/json"
    )
    assert response.status_code == 400
    assert "error" in response.json()


def test_list_filters_overdue_tickets_by_sla_state(admin_api, make_ticket):
    import datetime as dt

    from django.utils import timezone

    from deskline.tickets.models import Ticket

    late, on_time = make_ticket(), make_ticket()
    Ticket.objects.filter(pk=late.pk).update(resolution_due=timezone.now() - dt.timedelta(hours=1))
    Ticket.objects.filter(pk=on_time.pk).update(
        resolution_due=timezone.now() + dt.timedelta(days=3)
    )
    page = admin_api.get("tickets", {"sla_state": "overdue"}).json()
    assert [t["number"] for t in page["items"]] == [late.number]
    assert admin_api.get("tickets", {"sla_state": "soon"}).status_code == 422


def test_list_shows_the_breach_risk_to_staff_only(admin_api, api_for, client_user):
    from deskline.sla.models import TicketSla
    from deskline.tickets.services import ticket_create

    ticket = ticket_create(actor=client_user, title="Fridge warm")
    TicketSla.objects.filter(ticket=ticket).update(breach_risk=0.4)
    assert admin_api.get("tickets").json()["items"][0]["breach_risk"] == 0.4
    assert api_for(client_user).get("tickets").json()["items"][0]["breach_risk"] is None


def _statement_targets(ctx: CaptureQueriesContext) -> list[str]:
    """Each captured data statement as its verb and table, e.g. 'INSERT tickets_ticket'.

    Transaction control (the test's savepoints, BEGIN, COMMIT) is left out.
    """
    targets = []
    for query in ctx.captured_queries:
        words = query["sql"].replace('"', "").split()
        if words[0] in ("INSERT", "DELETE"):
            targets.append(f"{words[0]} {words[2]}")
        elif words[0] in ("UPDATE", "SELECT"):
            targets.append(f"{words[0]} {words[1]}")
    return targets


def test_create_writes_each_of_its_rows_with_one_statement(admin_api):
    settle_reference_cache()
    admin_api.post("tickets", {"title": "warm-up"})  # the first request stamps the token's use
    with CaptureQueriesContext(connection) as ctx:
        assert admin_api.post("tickets", {"title": "Lift stuck"}).status_code == 201
    if connection.vendor == "postgresql":  # the number comes from the sequence in the INSERT
        numbering, search = [], ["INSERT tickets_search"]
    else:  # a counter row; FTS5 rows are replaced by delete + insert
        numbering, search = (
            ["UPDATE tickets_numbersequence"],
            ["DELETE tickets_fts", "INSERT tickets_fts"],
        )
    assert _statement_targets(ctx) == [
        *numbering,
        "INSERT tickets_ticket",
        *search,
        "INSERT tickets_ticketevent",
        "INSERT django_tasks_database_dbtaskresult",
        "INSERT sla_ticketsla",
        "INSERT sla_ticketstatusperiod",
    ]


def _get_queries(api, number: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert api.get(f"tickets/{number}").status_code == 200
    return len(ctx.captured_queries)


def test_get_loads_no_registry_rows_it_shows_only_the_ids_of(admin_api, make_ticket):
    equipment = EquipmentFactory()
    ContractFactory(company=equipment.company).equipment.add(equipment)
    linked = make_ticket(equipment_id=equipment.pk)
    plain = make_ticket()
    admin_api.get(f"tickets/{plain.number}")  # the first request stamps the token's use
    assert _get_queries(admin_api, linked.number) == _get_queries(admin_api, plain.number)
    body = admin_api.get(f"tickets/{linked.number}").json()
    assert (body["site_id"], body["equipment_id"], body["contract_id"]) == (
        linked.site_id,
        equipment.pk,
        linked.contract_id,
    )
    assert body["contract_id"] is not None


def test_an_internal_ticket_is_refused_when_the_installation_forbids_them(admin_api, settings):
    settings.DESKLINE_INTERNAL_TICKETS = False
    response = admin_api.post("tickets", {"title": "Our own printer"})
    assert response.status_code == 422
    assert "company_id" in response.json()["error"]["fields"]


def test_on_behalf_of_a_contact_needs_the_contact(admin_api):
    response = admin_api.post("tickets", {"title": "Call", "on_behalf_of_contact": True})
    assert response.status_code == 422
    assert "contact_id" in response.json()["error"]["fields"]
