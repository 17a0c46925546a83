"""Who sees which reply templates, and how a template is filled in for a ticket."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from deskline.accounts.models import Team, User
from deskline.core.errors import NotFound
from deskline.knowledge.models import Audience
from deskline.knowledge.selectors import (
    reply_template_get_for,
    reply_template_text_for,
    reply_templates_for,
)
from deskline.tickets.models import Ticket
from tests.factories import CompanyFactory, ContactFactory, ContactUserFactory, TeamFactory
from tests.knowledge.factories import ReplyTemplateFactory

pytestmark = pytest.mark.django_db


def _names(user: User, **kwargs: Any) -> list[str]:
    return [t.name for t in reply_templates_for(user=user, **kwargs)]


def test_agent_sees_shared_own_team_and_own_personal_templates(
    agent: User, other_agent: User, team: Team
) -> None:
    ReplyTemplateFactory(name="everyone")
    ReplyTemplateFactory(name="my team", audience=Audience.TEAM, team=team)
    ReplyTemplateFactory(name="mine", audience=Audience.PERSONAL, owner=agent)
    assert sorted(_names(agent)) == ["everyone", "mine", "my team"]


def test_agent_does_not_see_another_team_or_another_agents_personal_template(
    agent: User, other_agent: User, team: Team
) -> None:
    ReplyTemplateFactory(name="their team", audience=Audience.TEAM, team=TeamFactory())
    ReplyTemplateFactory(name="theirs", audience=Audience.PERSONAL, owner=other_agent)
    assert _names(agent) == []


def test_inactive_templates_are_not_offered(agent: User) -> None:
    ReplyTemplateFactory(name="old", is_active=False)
    assert _names(agent) == []


def test_client_contacts_see_no_templates(db: None) -> None:
    ReplyTemplateFactory(name="everyone")
    contact = ContactFactory(company=CompanyFactory())
    client = ContactUserFactory(username="c", contact=contact)
    assert _names(client) == []


def test_language_narrows_to_that_language_and_all_language_templates(agent: User) -> None:
    ReplyTemplateFactory(name="any")
    ReplyTemplateFactory(name="ru", language="ru")
    ReplyTemplateFactory(name="en", language="en")
    assert sorted(_names(agent, language="ru")) == ["any", "ru"]


def test_templates_are_ordered_by_order_then_name(agent: User) -> None:
    ReplyTemplateFactory(name="b", order=1)
    ReplyTemplateFactory(name="a", order=1)
    ReplyTemplateFactory(name="z", order=0)
    assert _names(agent) == ["z", "a", "b"]


def test_listing_templates_is_one_query(
    agent: User, team: Team, django_assert_num_queries: Any
) -> None:
    ReplyTemplateFactory.create_batch(3)
    ReplyTemplateFactory(audience=Audience.TEAM, team=team)
    with django_assert_num_queries(1):
        assert len(reply_templates_for(user=agent)) == 4


def test_getting_another_agents_personal_template_is_not_found(
    agent: User, other_agent: User
) -> None:
    theirs = ReplyTemplateFactory(audience=Audience.PERSONAL, owner=other_agent)
    with pytest.raises(NotFound):
        reply_template_get_for(user=agent, template_id=theirs.pk)


def test_text_is_filled_in_with_the_tickets_values(
    agent: User, make_ticket: Any, settings: Any
) -> None:
    settings.DESKLINE_BASE_URL = "https://desk.example"
    company = CompanyFactory(name="Acme")
    contact = ContactFactory(company=company, name="Ann")
    agent.first_name, agent.last_name = "Boris", "Ivanov"
    ticket: Ticket = make_ticket(title="Printer", company_id=company.pk, contact_id=contact.pk)
    ticket.resolution_due = dt.datetime(2026, 1, 2, 15, 30, tzinfo=dt.UTC)
    template = ReplyTemplateFactory(
        body="{{ contact_name }} at {{ company_name }}: #{{ ticket.number }} {{ ticket.title }}, "
        "by {{ resolution_due }}. {{ agent_name }} {{ ticket_url }}"
    )
    with timezone.override("Europe/Moscow"):
        text = reply_template_text_for(user=agent, template_id=template.pk, ticket=ticket)
    assert text == (
        f"Ann at Acme: #{ticket.number} Printer, by 02.01.2026 18:30. Boris Ivanov "
        f"https://desk.example/portal/tickets/{ticket.number}/"
    )


def test_missing_contact_and_deadlines_become_empty_text(agent: User, make_ticket: Any) -> None:
    ticket = make_ticket()
    ticket.reaction_due = None
    template = ReplyTemplateFactory(body="[{{ contact_name }}|{{ reaction_due }}]")
    assert reply_template_text_for(user=agent, template_id=template.pk, ticket=ticket) == "[|]"
