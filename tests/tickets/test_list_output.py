"""The API's ticket list renders its rows without validating them again: the bytes must be
exactly those ninja renders after validating the same rows against `TicketPage`."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from deskline.accounts.models import Team, User
from deskline.sla.models import TicketSla
from deskline.tickets.models import Ticket
from deskline.tickets.schemas import TicketPage, client_field_codes, ticket_out
from deskline.tickets.selectors import TicketFilters, ticket_list_for
from tests.factories import CompanyFactory, ContactFactory
from tests.queries import statement_targets

pytestmark = pytest.mark.django_db


def _validated(user: User, **params: Any) -> str:
    """The list as ninja's validating path renders it."""
    page = ticket_list_for(user=user, filters=TicketFilters(), **params)
    codes = client_field_codes() if user.is_client else None
    data = {"items": [ticket_out(t, client_fields=codes) for t in page.items],
            "next_cursor": page.next_cursor}  # fmt: skip
    return json.dumps(TicketPage.model_validate(data).model_dump(), cls=NinjaJSONEncoder)


@pytest.fixture
def varied(make_ticket: Any, team: Team, agent: User) -> list[Ticket]:
    """Tickets with every kind of value a row holds: refs, none, datetimes, a breach risk."""
    company = CompanyFactory(name="Acme")
    contact = ContactFactory(company=company, name="Ann")
    full = make_ticket(team_id=team.pk, assignee_id=agent.pk, company_id=company.pk,
                       contact_id=contact.pk, description="Lift <b>stuck</b>")  # fmt: skip
    bare = make_ticket(title="Bare")
    Ticket.objects.filter(pk=full.pk).update(
        resolution_due=timezone.now() + dt.timedelta(hours=3, microseconds=123456),
        custom_fields={"floor": 3, "note": "ü"},
    )
    TicketSla.objects.update_or_create(ticket_id=full.pk, defaults={"breach_risk": 0.25})
    return [full, bare]


def test_the_list_is_byte_for_byte_what_validation_renders(
    admin_api: Any, admin: User, varied: list[Ticket]
) -> None:
    response = admin_api.get("tickets", {"limit": 1})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.content.decode() == _validated(admin, limit=1)
    assert response.json()["next_cursor"]


def test_a_clients_list_is_byte_for_byte_what_validation_renders(
    api_for: Any, client_user: User, make_ticket: Any
) -> None:
    make_ticket(contact_id=client_user.contact.pk, company_id=client_user.contact.company_id)
    response = api_for(client_user).get("tickets")
    assert response.status_code == 200
    assert len(response.json()["items"]) == 1
    assert response.content.decode() == _validated(client_user)


def test_the_list_reads_the_rows_and_their_joined_rows_in_one_query(
    admin_api: Any, varied: list[Ticket]
) -> None:
    admin_api.get("tickets")  # the first request stamps the token and loads the caches
    with CaptureQueriesContext(connection) as ctx:
        assert admin_api.get("tickets").status_code == 200
    targets = statement_targets(ctx)
    assert targets.count("SELECT tickets_ticket") == 1
    per_row = ("accounts_user", "clients_company", "clients_contact", "sla_ticketsla")
    assert not [t for t in targets if t.split()[-1] in per_row], targets


def test_parent_and_merged_into_numbers_are_byte_for_byte_and_cost_one_more_query(
    admin_api: Any, admin: User, make_ticket: Any
) -> None:
    parent = make_ticket(title="Parent")
    make_ticket(title="Child", parent_number=parent.number)
    target = make_ticket(title="Target")
    merged = make_ticket(title="Merged")
    Ticket.objects.filter(pk=merged.pk).update(merged_into=target)
    admin_api.get("tickets")  # the first request stamps the token and loads the caches
    with CaptureQueriesContext(connection) as ctx:
        response = admin_api.get("tickets")
    items = {item["title"]: item for item in response.json()["items"]}
    assert items["Child"]["parent_number"] == parent.number
    assert items["Merged"]["merged_into_number"] == target.number
    assert response.content.decode() == _validated(admin)
    # the page's rows, then the numbers of the linked tickets: one query, whatever the rows
    assert statement_targets(ctx).count("SELECT tickets_ticket") == 2


def test_reference_rows_added_after_the_cache_was_loaded_are_shown(
    admin_api: Any, admin: User, make_ticket: Any
) -> None:
    from deskline.tickets.models import Status

    make_ticket()
    admin_api.get("tickets")  # loads the caches
    # bulk_create and update send no signal: the caches stay as they were, as in a process
    # that has not yet seen another's change
    (status,) = Status.objects.bulk_create(
        [Status(code="x-new", name="Brand new", phase="open", color="#123456")]
    )
    Ticket.objects.update(status=status)
    response = admin_api.get("tickets")
    assert response.json()["items"][0]["status"]["name"] == "Brand new"
    assert response.content.decode() == _validated(admin)
