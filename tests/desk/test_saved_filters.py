"""Personal saved filters: save the list's filters, open, rename, delete; owner only."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext

from deskline.accounts.models import Role, User
from deskline.core.errors import NotFound, ValidationFailed
from deskline.desk.filtering import clean_params
from deskline.desk.models import SavedFilter
from deskline.desk.selectors import saved_filter_get_for, saved_filters_for
from deskline.desk.services import (
    MAX_SAVED_FILTERS,
    saved_filter_create,
    saved_filter_delete,
    saved_filter_rename,
)
from deskline.tickets.models import Priority
from tests.desk.factories import SavedFilterFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_agent(db: None) -> User:
    return UserFactory(username="other", role=Role.AGENT)


@pytest.fixture
def other_client(other_agent: User) -> Client:
    client = Client()
    client.force_login(other_agent)
    return client


def _numbers(response: Any) -> set[int]:
    return {int(n) for n in re.findall(r'id="t-(\d+)"', response.content.decode())}


# Services and selectors


def test_create_stores_the_cleaned_query_string(agent: User) -> None:
    row = saved_filter_create(
        actor=agent, name="  Hot   printers ", params=QueryDict("q=printer&priority=3&junk=1")
    )
    assert row.name == "Hot printers"
    assert row.params["q"] == "printer" and row.params["priority"] == [3]
    assert "junk" not in row.params


def test_names_are_unique_per_owner_whatever_the_case(agent: User) -> None:
    saved_filter_create(actor=agent, name="Mine", params={})
    with pytest.raises(ValidationFailed) as caught:
        saved_filter_create(actor=agent, name="MINE", params={})
    assert "name" in caught.value.fields


def test_two_agents_may_use_the_same_name(agent: User, other_agent: User) -> None:
    saved_filter_create(actor=agent, name="Mine", params={})
    saved_filter_create(actor=other_agent, name="Mine", params={})
    assert SavedFilter.objects.count() == 2


def test_an_empty_name_is_refused(agent: User) -> None:
    with pytest.raises(ValidationFailed):
        saved_filter_create(actor=agent, name="   ", params={})


def test_an_agent_may_keep_at_most_the_limit(agent: User) -> None:
    SavedFilterFactory.create_batch(MAX_SAVED_FILTERS, owner=agent)
    with pytest.raises(ValidationFailed):
        saved_filter_create(actor=agent, name="one more", params={})


def test_rename_refuses_a_name_the_owner_already_uses(agent: User) -> None:
    SavedFilterFactory(owner=agent, name="A")
    row = SavedFilterFactory(owner=agent, name="B")
    with pytest.raises(ValidationFailed):
        saved_filter_rename(actor=agent, filter_id=row.pk, name="a")


def test_rename_and_delete_of_another_agents_filter_are_not_found(
    agent: User, other_agent: User
) -> None:
    theirs = SavedFilterFactory(owner=other_agent, name="Theirs")
    with pytest.raises(NotFound):
        saved_filter_rename(actor=agent, filter_id=theirs.pk, name="Stolen")
    with pytest.raises(NotFound):
        saved_filter_delete(actor=agent, filter_id=theirs.pk)
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


def test_selectors_return_only_the_owners_filters(agent: User, other_agent: User) -> None:
    mine = SavedFilterFactory(owner=agent)
    theirs = SavedFilterFactory(owner=other_agent)
    assert saved_filters_for(user=agent) == [mine]
    with pytest.raises(NotFound):
        saved_filter_get_for(user=agent, filter_id=theirs.pk)


# Pages


def test_saving_from_the_list_stores_the_filters_and_opens_them(agent_client: Client) -> None:
    response = agent_client.post(
        "/filters/", {"name": "Printers", "query": "view=all&q=printer&sort=created"}
    )
    row = SavedFilter.objects.get()
    assert response["Location"] == f"/?saved={row.pk}"
    assert (row.params["view"], row.params["q"], row.params["sort"]) == (
        "all",
        "printer",
        "created",
    )


def test_list_page_offers_the_current_filters_to_save(agent_client: Client) -> None:
    body = agent_client.get("/?view=all&q=jam&sort=created&company_name=x").content.decode()
    assert 'name="query" value="view=all&amp;q=jam&amp;sort=created"' in body


def test_list_shows_the_agents_own_saved_filters_only(
    agent_client: Client, agent: User, other_agent: User
) -> None:
    SavedFilterFactory(owner=agent, name="My printers")
    SavedFilterFactory(owner=other_agent, name="Their secret list")
    body = agent_client.get("/").content.decode()
    assert "My printers" in body and "Their secret list" not in body


def test_opening_a_saved_filter_applies_its_filters(
    agent_client: Client, agent: User, make_ticket: Any
) -> None:
    high = Priority.objects.get(code="high")
    hot = make_ticket(title="Server room hot", priority_id=high.pk)
    make_ticket(title="Mouse broken")
    row = SavedFilterFactory(owner=agent, params={"view": "all", "priority": [high.pk]})
    response = agent_client.get(f"/?saved={row.pk}")
    assert _numbers(response) == {hot.number}
    assert f'<option value="{high.pk}" selected>' in response.content.decode()


def test_opening_another_agents_saved_filter_is_not_found(
    agent_client: Client, other_agent: User
) -> None:
    theirs = SavedFilterFactory(owner=other_agent)
    assert agent_client.get(f"/?saved={theirs.pk}").status_code == 404


def test_rename_view_renames_the_owners_filter(agent_client: Client, agent: User) -> None:
    row = SavedFilterFactory(owner=agent, name="Old")
    response = agent_client.post(f"/filters/{row.pk}/rename/", {"name": "New"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.name == "New"


def test_rename_view_refuses_another_agents_filter(other_client: Client, agent: User) -> None:
    row = SavedFilterFactory(owner=agent, name="Mine")
    assert other_client.post(f"/filters/{row.pk}/rename/", {"name": "Hacked"}).status_code == 404
    row.refresh_from_db()
    assert row.name == "Mine"


def test_delete_view_refuses_another_agents_filter(other_client: Client, agent: User) -> None:
    row = SavedFilterFactory(owner=agent)
    assert other_client.post(f"/filters/{row.pk}/delete/").status_code == 404
    assert SavedFilter.objects.filter(pk=row.pk).exists()


def test_delete_view_deletes_the_owners_filter(agent_client: Client, agent: User) -> None:
    row = SavedFilterFactory(owner=agent)
    assert agent_client.post(f"/filters/{row.pk}/delete/")["Location"] == "/"
    assert not SavedFilter.objects.exists()


def test_saving_a_duplicate_name_reports_it_and_goes_back(
    agent_client: Client, agent: User
) -> None:
    SavedFilterFactory(owner=agent, name="Printers")
    response = agent_client.post(
        "/filters/", {"name": "printers", "query": "view=all"}, follow=True
    )
    assert "Filter not saved" in response.content.decode()
    assert SavedFilter.objects.count() == 1


def test_client_contacts_cannot_save_filters(client_user: User) -> None:
    client = Client()
    client.force_login(client_user)
    response = client.post("/filters/", {"name": "x", "query": ""})
    assert response["Location"] == "/portal/"
    assert not SavedFilter.objects.exists()


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def test_saved_filters_add_one_query_to_the_list_however_many_there_are(
    agent_client: Client, agent: User, tickets: Any, django_assert_num_queries: Any
) -> None:
    tickets(3)
    agent_client.get("/")  # the first page loads the cached reference rows
    without = _count(agent_client, "/")
    SavedFilterFactory.create_batch(10, owner=agent)
    with django_assert_num_queries(without):  # the sidebar's read runs either way
        agent_client.get("/")


def test_opening_a_saved_filter_costs_one_query_more_than_the_same_list(
    agent_client: Client, agent: User, tickets: Any, django_assert_num_queries: Any
) -> None:
    tickets(3)
    row = SavedFilterFactory(owner=agent, params={"view": "all", "q": ""})
    agent_client.get("/?view=all")  # the first page loads the cached reference rows
    plain = _count(agent_client, "/?view=all")
    with django_assert_num_queries(plain + 1):
        response = agent_client.get(f"/?saved={row.pk}")
    assert len(_numbers(response)) == 3


def test_saving_stores_the_new_filters_cleaned(agent_client: Client) -> None:
    today = "2026-03-02"
    query = (
        f"view=all&phase=new&type=4&category=5&contact=6&site=7&equipment=8"
        f"&created_from={today}&created_to={today}&updated_from={today}&unassigned=1"
        "&sla_state=at_risk&sort=-priority"
    )
    agent_client.post("/filters/", {"name": "Visits", "query": query})
    row = SavedFilter.objects.get()
    assert row.params == clean_params(QueryDict(query))
    assert row.params["created_from"] == today and row.params["unassigned"] is True
    assert row.params["phase"] == ["new"] and row.params["equipment"] == [8]


def test_opening_a_saved_filter_applies_the_new_filters(
    agent_client: Client, agent: User, make_ticket: Any
) -> None:
    from deskline.tickets.models import TicketType

    visit = TicketType.objects.create(code="visit", name="Site visit")
    wanted = make_ticket(type_id=visit.pk)
    make_ticket()
    only_type = SavedFilterFactory(
        owner=agent, params={"view": "all", "type": [visit.pk], "created_from": "2000-01-01"}
    )
    assert _numbers(agent_client.get(f"/?saved={only_type.pk}")) == {wanted.number}
