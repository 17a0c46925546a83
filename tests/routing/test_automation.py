"""Automation triggers: on events and on time, once per ticket and condition, never in a loop."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from deskline.accounts.system import SYSTEM_USERS
from deskline.channels.webhook_models import WebhookDelivery, WebhookSubscription
from deskline.routing.automation import automation_scan
from deskline.routing.models import Trigger, TriggerFiring
from deskline.sla.escalation import breaches_mark
from deskline.tickets.conversation import comment_add
from deskline.tickets.models import Comment, Priority, Status, Ticket
from deskline.tickets.services import ticket_change_status, ticket_update
from tests.factories import ContactFactory
from tests.routing.conftest import leaf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _loopback_allowed(settings) -> None:
    """Webhook URLs here are on loopback, which the installation must list (core.egress)."""
    settings.DESKLINE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]


def trigger(**fields) -> Trigger:
    fields.setdefault("name", f"trigger {Trigger.objects.count()}")
    return Trigger.objects.create(**fields)


def status(code: str) -> Status:
    return Status.objects.get(code=code)


def test_an_event_trigger_sets_fields_and_comments_from_a_template(make_ticket, dispatch):
    high = Priority.objects.get(code="high")
    trigger(events=["created"], conditions=[leaf("text", "contains", "outage")],
            actions={"set": {"priority_id": high.pk},
                     "comment": {"body": "We are on #{number}: {title}", "public": True}})  # fmt: skip
    quiet, loud = make_ticket(title="Printer"), make_ticket(title="Network outage")
    dispatch()
    loud.refresh_from_db()
    quiet.refresh_from_db()
    assert loud.priority == high and quiet.priority != high
    comment = Comment.objects.get(ticket=loud)
    assert comment.author.username == SYSTEM_USERS["automation"][0]
    assert f"We are on #{loud.number}: Network outage" in comment.body
    assert TriggerFiring.objects.get().ticket == loud


def test_a_trigger_does_not_fire_itself_in_a_loop(make_ticket, dispatch, admin):
    trigger(events=["updated"], actions={"set": {"title": "touched by automation"}})
    ticket = make_ticket()
    ticket_update(actor=admin, number=ticket.number, changes={"description": "more"})
    dispatch()
    assert TriggerFiring.objects.count() == 1
    ticket.refresh_from_db()
    assert ticket.title == "touched by automation"


def test_client_and_agent_comments_are_told_apart(make_ticket, dispatch, admin):
    on_client = trigger(events=["comment_client"], actions={})
    on_agent = trigger(events=["comment_agent"], actions={})
    ticket = make_ticket()
    contact = ContactFactory()
    comment_add(actor=None, number=ticket.number, body="from the client",
                author_contact_id=contact.pk)  # fmt: skip
    dispatch()
    assert list(TriggerFiring.objects.values_list("trigger", flat=True)) == [on_client.pk]
    comment_add(actor=admin, number=ticket.number, body="from the agent")
    dispatch()
    assert on_agent.firings.count() == 1


def test_status_changed_and_sla_breach_triggers(make_ticket, dispatch, admin):
    on_status = trigger(events=["status_changed"], actions={})
    on_breach = trigger(events=["sla_breach"], actions={"set": {"priority_id": 1}})
    on_warning = trigger(events=["sla_warning"], actions={})
    ticket = make_ticket()
    ticket_change_status(actor=admin, number=ticket.number, status_id=status("in_progress").pk)
    ticket.refresh_from_db()
    # The real producer: the SLA job flags the passed resolution deadline.
    breaches_mark(ticket.resolution_due + dt.timedelta(minutes=1))
    dispatch()
    assert on_status.firings.count() == 1
    # both deadlines passed: one breach event each, and the trigger fires on each
    assert on_breach.firings.count() == 2 and on_warning.firings.count() == 0


def test_a_time_trigger_fires_once_per_status_entry(make_ticket, admin):
    waited = trigger(when="time_in_status", hours=4, status_code="in_progress",
                     actions={"set": {"priority_id": Priority.objects.get(code="high").pk}})  # fmt: skip
    ticket = make_ticket()
    _use_calendar(ticket, always=True)
    ticket_change_status(actor=admin, number=ticket.number, status_id=status("in_progress").pk)
    now = timezone.now()
    assert automation_scan(now + dt.timedelta(hours=3)) == 0
    assert automation_scan(now + dt.timedelta(hours=5)) == 1
    assert automation_scan(now + dt.timedelta(hours=9)) == 0  # the same window: once
    ticket_change_status(actor=admin, number=ticket.number, status_id=status("waiting_client").pk,
                         comment="need logs")  # fmt: skip
    ticket_change_status(actor=admin, number=ticket.number, status_id=status("in_progress").pk)
    _use_calendar(ticket, always=True)  # the priority change re-picked the SLA calendar
    assert automation_scan(timezone.now() + dt.timedelta(hours=5)) == 1  # a new entry
    assert waited.firings.count() == 2


def _use_calendar(ticket: Ticket, *, always: bool) -> None:
    from deskline.sla.models import Calendar, TicketSla

    TicketSla.objects.filter(ticket=ticket).update(
        calendar=Calendar.objects.filter(always=always).first()
    )


def test_hours_in_status_count_only_working_hours(make_ticket, admin):
    from deskline.tickets.models import TicketEvent

    trigger(when="time_in_status", hours=4, status_code="in_progress", actions={})
    ticket = make_ticket()
    _use_calendar(ticket, always=False)  # the seeded Mon-Fri 09:00-18:00 Moscow calendar
    ticket_change_status(actor=admin, number=ticket.number, status_id=status("in_progress").pk)
    saturday_8am = dt.datetime(2026, 11, 21, 5, 0, tzinfo=dt.UTC)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=saturday_8am)
    TicketEvent.objects.filter(ticket=ticket).update(created_at=saturday_8am)
    assert automation_scan(saturday_8am + dt.timedelta(hours=12)) == 0  # the weekend
    assert automation_scan(dt.datetime(2026, 11, 23, 11, 0, tzinfo=dt.UTC)) == 1  # Monday 14:00


def _resolved(make_ticket, admin) -> Ticket:
    ticket = make_ticket()
    ticket_change_status(actor=admin, number=ticket.number, status_id=status("resolved").pk)
    return ticket


def test_the_default_trigger_closes_resolved_tickets_after_seven_quiet_days(make_ticket, admin):
    assert Trigger.objects.filter(when="no_client_reply", days=7, status_code="resolved").exists()
    ticket = _resolved(make_ticket, admin)
    assert automation_scan(timezone.now() + dt.timedelta(days=6)) == 0
    assert automation_scan(timezone.now() + dt.timedelta(days=8)) == 1
    ticket.refresh_from_db()
    assert ticket.phase == "closed" and ticket.closed_at is not None
    assert (
        ticket.events.filter(kind="status_changed").last().actor.username
        == SYSTEM_USERS["automation"][0]
    )


def test_a_client_reply_keeps_a_resolved_ticket_open(make_ticket, admin):
    ticket = _resolved(make_ticket, admin)
    comment_add(actor=None, number=ticket.number, body="still broken",
                author_contact_id=ContactFactory().pk)  # fmt: skip
    assert automation_scan(timezone.now() + dt.timedelta(days=8)) == 0
    ticket.refresh_from_db()
    assert ticket.phase == "resolved"


def test_a_later_agent_reply_restarts_the_quiet_period(make_ticket, admin):
    ticket = _resolved(make_ticket, admin)
    comment_add(actor=None, number=ticket.number, body="still broken",
                author_contact_id=ContactFactory().pk)  # fmt: skip
    comment_add(actor=admin, number=ticket.number, body="fixed again, please check")
    assert automation_scan(timezone.now() + dt.timedelta(days=8)) == 1


def test_child_ticket_webhook_and_assign_actions(make_ticket, dispatch, make_team, agents):
    team = make_team("round_robin")
    hook = WebhookSubscription.objects.create(name="h", url="http://127.0.0.1:9/", secret="s",
                                              event_kinds=["none"])  # fmt: skip
    trigger(events=["created"], conditions=[leaf("title", "contains", "install")],
            actions={"assign": {"team_id": team.pk}, "webhook_id": hook.pk,
                     "child": {"title": "Site survey for #{number}"}})  # fmt: skip
    ticket = make_ticket(title="Install a cash register")
    dispatch()
    ticket.refresh_from_db()
    assert ticket.team == team and ticket.assignee == agents[0]
    child = Ticket.objects.get(parent=ticket)
    assert child.title == f"Site survey for #{ticket.number}"
    assert (
        WebhookDelivery.objects.get(subscription=hook).payload["ticket"]["number"] == ticket.number
    )
    assert TriggerFiring.objects.count() == 1  # the child's own creation was by automation


def test_a_failing_action_is_reported_and_the_rest_still_run(make_ticket, dispatch):
    trigger(events=["created"], actions={"set": {"priority_id": 999}, "comment": "noted"})
    ticket = make_ticket()
    dispatch()
    firing = TriggerFiring.objects.get()
    assert "error" in firing.result["set"] and firing.result["comment"] == "commented"
    assert Comment.objects.filter(ticket=ticket).count() == 1
