"""ticket_create: numbering, defaults, validation, registry checks, events and jobs."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from deskline.core.errors import PermissionDenied, ValidationFailed
from deskline.tickets.models import Channel, CustomField, Priority, TicketEvent, TicketType
from deskline.tickets.services import comment_add, ticket_create
from tests.factories import ContractFactory, EquipmentFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_numbers_increase_and_are_unique(make_ticket):
    numbers = [make_ticket().number for _ in range(5)]
    assert numbers == sorted(set(numbers))
    assert len(set(numbers)) == 5


def test_new_ticket_starts_in_the_initial_status_with_defaults(make_ticket):
    ticket = make_ticket()
    assert ticket.status.code == "new"
    assert ticket.phase == "new"
    assert ticket.priority == Priority.objects.get(is_default=True)
    assert ticket.priority_weight == ticket.priority.weight
    assert ticket.type == TicketType.objects.get(is_default=True)
    assert ticket.version == 1


def test_create_records_a_created_event_and_enqueues_its_dispatch(make_ticket, admin):
    ticket = make_ticket(channel=Channel.EMAIL)
    event = TicketEvent.objects.get(ticket=ticket)
    assert (event.kind, event.actor, event.channel) == ("created", admin, "email")
    job = DBTaskResult.objects.get(task_path="deskline.tickets.tasks.ticket_event_dispatch")
    assert job.args_kwargs["kwargs"] == {"event_id": event.pk}


def test_a_failed_create_leaves_no_event_and_no_job(admin):
    with pytest.raises(ValidationFailed):
        ticket_create(actor=admin, title="x", priority_id=999_999)
    assert not TicketEvent.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_nul_characters_from_any_channel_are_dropped_before_storing(admin):
    ticket = ticket_create(actor=admin, title="Till\x00 7 down", description="E04\x00 on boot")
    comment = comment_add(actor=admin, number=ticket.number, body="Re\x00started")

    ticket.refresh_from_db()
    comment.refresh_from_db()
    assert (ticket.title, "\x00" in ticket.description, "\x00" in comment.body) == (
        "Till 7 down",
        False,
        False,
    )
    assert "E04 on boot" in ticket.description and "Restarted" in comment.body


def test_blank_title_is_refused_naming_the_field(admin):
    with pytest.raises(ValidationFailed) as error:
        ticket_create(actor=admin, title="   ")
    assert error.value.fields == {"title": "must not be empty"}


def test_html_description_is_sanitised(make_ticket):
    ticket = make_ticket(
        description='<p onclick="x()">Hi<script>alert(1)</script></p>', description_is_html=True
    )
    assert ticket.description == "<p>Hi</p>"


def test_plain_description_is_escaped(make_ticket):
    ticket = make_ticket(description="a <b> & c\nline two")
    assert ticket.description == "<p>a &lt;b&gt; &amp; c<br>line two</p>"


def test_company_is_taken_from_the_site(make_ticket):
    site = SiteFactory()
    ticket = make_ticket(site_id=site.pk)
    assert ticket.company_id == site.company_id


def test_site_of_another_company_is_refused(make_ticket):
    site, other = SiteFactory(), SiteFactory()
    with pytest.raises(ValidationFailed) as error:
        make_ticket(company_id=other.company_id, site_id=site.pk)
    assert "site_id" in error.value.fields


def test_equipment_under_a_live_contract_links_the_contract(make_ticket):
    equipment = EquipmentFactory()
    contract = ContractFactory(company=equipment.company)
    contract.equipment.add(equipment)
    ticket = make_ticket(equipment_id=equipment.pk)
    assert (ticket.contract, ticket.not_covered) == (contract, False)


def test_equipment_without_a_live_contract_is_flagged(make_ticket):
    equipment = EquipmentFactory()
    ticket = make_ticket(equipment_id=equipment.pk)
    assert ticket.not_covered is True
    assert ticket.site_id == equipment.site_id


def test_assignee_must_be_a_member_of_the_team(make_ticket, team, admin):
    with pytest.raises(ValidationFailed) as error:
        make_ticket(team_id=team.pk, assignee_id=admin.pk)
    assert "assignee_id" in error.value.fields


def test_custom_fields_are_validated_per_ticket_type(make_ticket):
    incident = TicketType.objects.get(code="incident")
    field = CustomField.objects.create(
        code="floor", name="Floor", field_type="number", required=True
    )
    field.ticket_types.add(incident)
    with pytest.raises(ValidationFailed) as error:
        make_ticket(type_id=incident.pk, custom_fields={"floor": "high"})
    assert error.value.fields == {"custom_fields.floor": "must be a number"}
    assert make_ticket(type_id=incident.pk, custom_fields={"floor": "3"}).custom_fields == {
        "floor": 3
    }


def test_client_ticket_belongs_to_their_contact_and_company(client_user, client_contact):
    ticket = ticket_create(actor=client_user, title="Broken till", channel=Channel.PORTAL)
    assert (ticket.contact, ticket.company) == (client_contact, client_contact.company)


def test_client_may_not_set_agent_fields(client_user, team):
    with pytest.raises(PermissionDenied) as error:
        ticket_create(actor=client_user, title="x", team_id=team.pk)
    assert error.value.fields == {"team_id": "clients may not set this field"}


def test_client_may_not_use_a_type_closed_to_clients(client_user):
    planned = TicketType.objects.get(code="planned_work")
    with pytest.raises(ValidationFailed):
        ticket_create(actor=client_user, title="x", type_id=planned.pk)
