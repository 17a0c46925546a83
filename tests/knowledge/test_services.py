"""Agents manage their own personal reply templates; the model refuses unknown variables."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from deskline.accounts.models import Team, User
from deskline.core.errors import NotFound, PermissionDenied, ValidationFailed
from deskline.knowledge.models import Audience, ReplyTemplate
from deskline.knowledge.services import (
    reply_template_create,
    reply_template_delete,
    reply_template_update,
)
from tests.factories import CompanyFactory, ContactFactory, ContactUserFactory
from tests.knowledge.factories import ReplyTemplateFactory

pytestmark = pytest.mark.django_db


def test_create_makes_a_personal_template_owned_by_the_agent(agent: User) -> None:
    row = reply_template_create(actor=agent, name=" Thanks ", body="Thank you, {{ contact_name }}")
    assert (row.name, row.audience, row.owner_id) == ("Thanks", Audience.PERSONAL, agent.pk)


def test_create_refuses_unknown_variables(agent: User) -> None:
    with pytest.raises(ValidationFailed) as caught:
        reply_template_create(actor=agent, name="x", body="Hi {{ password }}")
    assert "password" in caught.value.fields["body"]


def test_create_refuses_an_unknown_language(agent: User) -> None:
    with pytest.raises(ValidationFailed) as caught:
        reply_template_create(actor=agent, name="x", body="Hi", language="xx")
    assert "language" in caught.value.fields


def test_client_contacts_may_not_create_templates(db: None) -> None:
    contact = ContactFactory(company=CompanyFactory())
    client = ContactUserFactory(username="c", contact=contact)
    with pytest.raises(PermissionDenied):
        reply_template_create(actor=client, name="x", body="Hi")


def test_update_changes_the_owners_template(agent: User) -> None:
    row = reply_template_create(actor=agent, name="a", body="one")
    reply_template_update(
        actor=agent, template_id=row.pk, name="b", body="two", language="ru", is_active=False
    )
    row.refresh_from_db()
    assert (row.name, row.body, row.language, row.is_active) == ("b", "two", "ru", False)


def test_update_of_another_agents_template_is_not_found(agent: User, other_agent: User) -> None:
    theirs = reply_template_create(actor=other_agent, name="a", body="one")
    with pytest.raises(NotFound):
        reply_template_update(actor=agent, template_id=theirs.pk, name="b", body="two")
    theirs.refresh_from_db()
    assert theirs.name == "a"


def test_agents_may_not_change_shared_templates_from_the_desk(agent: User) -> None:
    shared = ReplyTemplateFactory()
    with pytest.raises(NotFound):
        reply_template_delete(actor=agent, template_id=shared.pk)
    assert ReplyTemplate.objects.filter(pk=shared.pk).exists()


def test_delete_removes_the_owners_template(agent: User) -> None:
    row = reply_template_create(actor=agent, name="a", body="one")
    reply_template_delete(actor=agent, template_id=row.pk)
    assert not ReplyTemplate.objects.exists()


def test_a_team_template_must_name_its_team() -> None:
    row = ReplyTemplate(name="x", body="y", audience=Audience.TEAM)
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert "team" in caught.value.message_dict


def test_clean_drops_a_team_left_on_a_template_shared_with_everyone(team: Team) -> None:
    row = ReplyTemplate(name="x", body="y", audience=Audience.EVERYONE, team=team)
    row.full_clean()
    assert row.team is None


def test_the_database_refuses_a_personal_template_without_owner(db: None) -> None:
    with pytest.raises(IntegrityError):
        ReplyTemplate.objects.create(name="x", body="y", audience=Audience.PERSONAL)
