"""Reply templates on the desk: offered in the reply box, inserted via htmx, managed by agents."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from deskline.accounts.models import Role, User
from deskline.knowledge.models import Audience, ReplyTemplate
from deskline.tickets.models import Ticket
from tests.factories import TeamFactory, UserFactory
from tests.knowledge.factories import ReplyTemplateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(make_ticket: Any, company: Any, contact: Any, team: Any) -> Ticket:
    ticket: Ticket = make_ticket(
        title="Till offline", company_id=company.pk, contact_id=contact.pk, team_id=team.pk
    )
    return ticket


@pytest.fixture
def other_agent(db: None) -> User:
    return UserFactory(username="other", role=Role.AGENT)


def _insert(client: Client, ticket: Ticket, template: Any, body: str = "") -> Any:
    return client.post(
        f"/tickets/{ticket.number}/reply/template/",
        {"template": template.pk if hasattr(template, "pk") else template, "body": body},
        HTTP_HX_REQUEST="true",
    )


def test_reply_box_offers_the_templates_the_agent_may_use(
    agent_client: Client, ticket: Ticket, other_agent: User
) -> None:
    ReplyTemplateFactory(name="Greeting")
    ReplyTemplateFactory(name="Someone else's", audience=Audience.PERSONAL, owner=other_agent)
    body = agent_client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "Greeting" in body and "Someone else" not in body
    assert f'hx-post="/tickets/{ticket.number}/reply/template/"' in body


def test_reply_box_offers_templates_in_the_contacts_language(
    agent_client: Client, ticket: Ticket
) -> None:
    ReplyTemplateFactory(name="English one", language="en")
    ReplyTemplateFactory(name="Russian one", language="ru")
    body = agent_client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "English one" in body and "Russian one" not in body


def test_insert_returns_the_reply_box_filled_in_for_the_ticket(
    agent_client: Client, ticket: Ticket
) -> None:
    template = ReplyTemplateFactory(body="Hello {{ contact_name }}, re #{{ ticket.number }}")
    response = _insert(agent_client, ticket, template)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert f"Hello Ann Client, re #{ticket.number}</textarea>" in body


def test_insert_keeps_the_draft_and_adds_the_template_after_it(
    agent_client: Client, ticket: Ticket
) -> None:
    template = ReplyTemplateFactory(body="Regards")
    body = _insert(agent_client, ticket, template, body="Fixed it.  ").content.decode()
    assert "Fixed it.\n\nRegards</textarea>" in body


def test_inserted_text_is_escaped_in_the_page(agent_client: Client, make_ticket: Any) -> None:
    ticket = make_ticket(title="<script>x</script>")
    template = ReplyTemplateFactory(body="{{ ticket.title }}")
    body = _insert(agent_client, ticket, template).content.decode()
    assert "&lt;script&gt;" in body and "<script>x" not in body


def test_insert_refuses_another_agents_personal_template(
    agent_client: Client, ticket: Ticket, other_agent: User
) -> None:
    theirs = ReplyTemplateFactory(audience=Audience.PERSONAL, owner=other_agent)
    assert _insert(agent_client, ticket, theirs).status_code == 404


def test_insert_refuses_a_ticket_the_agent_may_not_see(
    agent_client: Client, make_ticket: Any
) -> None:
    hidden = make_ticket(team_id=TeamFactory(name="Elsewhere").pk)
    template = ReplyTemplateFactory()
    assert _insert(agent_client, hidden, template).status_code == 404


def test_insert_needs_post(agent_client: Client, ticket: Ticket) -> None:
    assert agent_client.get(f"/tickets/{ticket.number}/reply/template/").status_code == 405


def test_insert_runs_a_fixed_number_of_queries(
    agent_client: Client, ticket: Ticket, django_assert_num_queries: Any
) -> None:
    template = ReplyTemplateFactory()
    # session, user, the agent's teams (visibility), the ticket with its company and contact,
    # the template
    with django_assert_num_queries(QUERIES_INSERT):
        _insert(agent_client, ticket, template)


QUERIES_INSERT = 5


def test_ticket_page_offers_templates_with_one_query_however_many(
    agent_client: Client, ticket: Ticket
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ReplyTemplateFactory()
    agent_client.get(f"/tickets/{ticket.number}/")  # loads the cached reference rows
    with CaptureQueriesContext(connection) as few:
        agent_client.get(f"/tickets/{ticket.number}/")
    ReplyTemplateFactory.create_batch(10)
    with CaptureQueriesContext(connection) as many:
        agent_client.get(f"/tickets/{ticket.number}/")
    assert len(many) == len(few)


def test_agent_creates_a_personal_template_from_the_desk(agent_client: Client, agent: User) -> None:
    response = agent_client.post(
        "/templates/new/", {"name": "Thanks", "body": "Thanks, {{ contact_name }}", "language": ""}
    )
    assert response["Location"] == "/templates/"
    row = ReplyTemplate.objects.get()
    assert (row.owner_id, row.audience) == (agent.pk, Audience.PERSONAL)


def test_templates_page_lists_own_and_shared_templates(
    agent_client: Client, agent: User, other_agent: User
) -> None:
    ReplyTemplateFactory(name="Mine", audience=Audience.PERSONAL, owner=agent)
    ReplyTemplateFactory(name="Shared")
    ReplyTemplateFactory(name="Not mine", audience=Audience.PERSONAL, owner=other_agent)
    body = agent_client.get("/templates/").content.decode()
    assert "Mine" in body and "Shared" in body and "Not mine" not in body


def test_agent_cannot_edit_another_agents_template_from_the_desk(
    agent_client: Client, other_agent: User
) -> None:
    theirs = ReplyTemplateFactory(name="Theirs", audience=Audience.PERSONAL, owner=other_agent)
    response = agent_client.post(f"/templates/{theirs.pk}/", {"name": "Hacked", "body": "x"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


def test_agent_cannot_delete_a_shared_template_from_the_desk(agent_client: Client) -> None:
    shared = ReplyTemplateFactory()
    assert agent_client.post(f"/templates/{shared.pk}/delete/").status_code == 404
    assert ReplyTemplate.objects.filter(pk=shared.pk).exists()


def test_unknown_variable_in_a_desk_template_is_reported(agent_client: Client) -> None:
    response = agent_client.post(
        "/templates/new/", {"name": "x", "body": "{{ secret }}", "language": ""}, follow=True
    )
    assert "Unknown variables: secret" in response.content.decode()
    assert not ReplyTemplate.objects.exists()


def test_new_desk_strings_are_shown_in_russian(agent_client: Client, ticket: Ticket) -> None:
    ReplyTemplateFactory()
    agent_client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert "Мои фильтры" in agent_client.get("/").content.decode()
    assert "Вставить шаблон…" in agent_client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "Мои личные шаблоны" in agent_client.get("/templates/").content.decode()
