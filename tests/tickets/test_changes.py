"""ticket_update, ticket_change_status, ticket_assign: validation, locking, history."""

from __future__ import annotations

import pytest

from deskline.core.errors import Conflict, PermissionDenied, ValidationFailed
from deskline.tickets.models import Priority, TicketEvent
from deskline.tickets.services import (
    ticket_assign,
    ticket_change_status,
    ticket_create,
    ticket_update,
)
from tests.tickets.conftest import status

pytestmark = pytest.mark.django_db


def test_update_bumps_the_version_and_records_before_and_after(make_ticket, admin):
    ticket = make_ticket(title="Old")
    high = Priority.objects.get(code="high")
    updated = ticket_update(
        actor=admin,
        number=ticket.number,
        version=1,
        changes={"title": "New", "priority_id": high.pk},
    )
    assert (updated.version, updated.title, updated.priority_weight) == (2, "New", high.weight)
    event = TicketEvent.objects.get(ticket=ticket, kind="updated")
    assert event.changes == {"title": ["Old", "New"], "priority_id": [ticket.priority_id, high.pk]}


def test_update_with_a_stale_version_is_refused_with_the_current_state(make_ticket, admin):
    ticket = make_ticket()
    ticket_update(actor=admin, number=ticket.number, version=1, changes={"title": "First"})
    with pytest.raises(Conflict) as error:
        ticket_update(actor=admin, number=ticket.number, version=1, changes={"title": "Second"})
    assert error.value.current.title == "First"
    assert error.value.current.version == 2


def test_update_without_changes_records_nothing(make_ticket, admin):
    ticket = make_ticket(title="Same")
    ticket_update(actor=admin, number=ticket.number, changes={"title": "Same"})
    assert not TicketEvent.objects.filter(kind="updated").exists()


def test_update_refuses_unknown_fields(make_ticket, admin):
    ticket = make_ticket()
    with pytest.raises(ValidationFailed) as error:
        ticket_update(actor=admin, number=ticket.number, changes={"number": 5})
    assert error.value.fields == {"number": "cannot be changed here"}


def test_update_refuses_a_parent_cycle(make_ticket, admin):
    parent = make_ticket()
    child = make_ticket(parent_number=parent.number)
    with pytest.raises(ValidationFailed) as error:
        ticket_update(actor=admin, number=parent.number, changes={"parent_number": child.number})
    assert "parent_number" in error.value.fields


def test_clients_may_not_update_tickets(client_user):
    ticket = ticket_create(actor=client_user, title="x")
    with pytest.raises(PermissionDenied):
        ticket_update(actor=client_user, number=ticket.number, changes={"title": "y"})


def test_status_change_follows_an_allowed_transition(make_ticket, admin):
    ticket = make_ticket()
    changed = ticket_change_status(
        actor=admin, number=ticket.number, status_id=status("in_progress").pk
    )
    assert (changed.status.code, changed.phase, changed.version) == ("in_progress", "open", 2)
    event = TicketEvent.objects.get(ticket=ticket, kind="status_changed")
    assert event.changes["status"] == ["new", "in_progress"]


def test_closing_a_new_ticket_requires_a_comment(make_ticket, admin):
    ticket = make_ticket()
    with pytest.raises(ValidationFailed) as error:
        ticket_change_status(actor=admin, number=ticket.number, status_id=status("closed").pk)
    assert error.value.fields == {"comment": "is required for this change"}


def test_transition_that_does_not_exist_names_the_status_field(make_ticket, admin):
    ticket = make_ticket()
    ticket_change_status(actor=admin, number=ticket.number, status_id=status("in_progress").pk)
    with pytest.raises(ValidationFailed) as error:
        ticket_change_status(actor=admin, number=ticket.number, status_id=status("closed").pk)
    assert "status_id" in error.value.fields


def test_required_comment_is_added_with_the_status_change(make_ticket, admin):
    ticket = make_ticket()
    changed = ticket_change_status(
        actor=admin, number=ticket.number, status_id=status("closed").pk, comment="Duplicate call"
    )
    assert changed.phase == "closed"
    assert changed.closed_at is not None
    assert ticket.comments.get().body == "<p>Duplicate call</p>"


def test_resolving_stamps_resolved_at_and_reopening_clears_it(make_ticket, admin):
    ticket = make_ticket()
    resolved = ticket_change_status(
        actor=admin, number=ticket.number, status_id=status("resolved").pk
    )
    assert resolved.resolved_at is not None
    reopened = ticket_change_status(
        actor=admin, number=ticket.number, status_id=status("in_progress").pk, comment="Again"
    )
    assert reopened.resolved_at is None


def test_client_may_confirm_a_resolution_but_not_start_work(client_user, admin):
    ticket = ticket_create(actor=client_user, title="x")
    with pytest.raises(PermissionDenied):
        ticket_change_status(
            actor=client_user, number=ticket.number, status_id=status("in_progress").pk
        )
    ticket_change_status(actor=admin, number=ticket.number, status_id=status("resolved").pk)
    closed = ticket_change_status(
        actor=client_user, number=ticket.number, status_id=status("closed").pk
    )
    assert closed.phase == "closed"


def test_assign_sets_team_and_agent_and_records_the_reason(make_ticket, admin, team, agent):
    ticket = make_ticket()
    assigned = ticket_assign(
        actor=admin,
        number=ticket.number,
        team_id=team.pk,
        assignee_id=agent.pk,
        reason="night shift",
    )
    assert (assigned.team, assigned.assignee) == (team, agent)
    event = TicketEvent.objects.get(ticket=ticket, kind="assigned")
    assert event.changes == {"team_id": [None, team.pk], "assignee_id": [None, agent.pk]}
    assert event.payload.reason == "night shift"


def test_assign_to_a_non_member_is_refused(make_ticket, admin, team):
    ticket = make_ticket()
    with pytest.raises(ValidationFailed):
        ticket_assign(actor=admin, number=ticket.number, team_id=team.pk, assignee_id=admin.pk)


def test_client_rates_a_resolved_ticket(client_user, admin):
    from deskline.tickets.services import ticket_rate

    ticket = ticket_create(actor=client_user, title="x")
    ticket_change_status(actor=admin, number=ticket.number, status_id=status("resolved").pk)
    rated = ticket_rate(actor=client_user, number=ticket.number, rating=2, comment="Slow")
    assert rated.rating == 2
    assert TicketEvent.objects.get(ticket=ticket, kind="rated").payload.comment == "Slow"


def test_an_open_ticket_cannot_be_rated(client_user):
    from deskline.tickets.services import ticket_rate

    ticket = ticket_create(actor=client_user, title="x")
    with pytest.raises(ValidationFailed):
        ticket_rate(actor=client_user, number=ticket.number, rating=5)


def test_update_replaces_observers_and_records_the_change(make_ticket, admin, agent):
    ticket = make_ticket()
    ticket_update(actor=admin, number=ticket.number, changes={"observer_ids": [agent.pk]})
    assert list(ticket.observers.all()) == [agent]
    event = TicketEvent.objects.get(ticket=ticket, kind="updated")
    assert event.changes == {"observer_ids": [[], [agent.pk]]}


def test_a_client_cannot_be_an_observer(make_ticket, admin, client_user):
    ticket = make_ticket()
    with pytest.raises(ValidationFailed) as error:
        ticket_update(actor=admin, number=ticket.number, changes={"observer_ids": [client_user.pk]})
    assert "observer_ids" in error.value.fields


def test_status_change_by_an_unknown_code_names_the_field(make_ticket, admin):
    ticket = make_ticket()
    with pytest.raises(ValidationFailed) as error:
        ticket_change_status(actor=admin, number=ticket.number, status_code="nope")
    assert error.value.fields == {"status": "no active status nope"}
