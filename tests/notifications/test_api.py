"""Notification preferences and the outbox over the API."""

from __future__ import annotations

import pytest

from deskline.notifications.models import NotificationPreference
from deskline.notifications.services import notification_queue

pytestmark = pytest.mark.django_db


def test_a_user_sets_and_reads_their_preferences(api_for, agent):
    api = api_for(agent)
    response = api.put(
        "notifications/preferences",
        {"event": "ticket_assigned", "channel": "email", "enabled": False},
    )
    assert response.status_code == 200
    pref = NotificationPreference.objects.get(user=agent)
    assert (pref.event, pref.channel, pref.enabled) == ("ticket_assigned", "email", False)
    rows = {r["event"]: r for r in api.get("notifications/preferences").json()}
    assert rows["ticket_assigned"]["enabled"] is False and rows["ticket_created"]["enabled"]


def test_an_unknown_event_is_a_validation_error(api_for, agent):
    response = api_for(agent).put("notifications/preferences", {"event": "nope"})
    assert response.status_code == 422


def test_admins_see_delivery_status_in_the_outbox(admin_api):
    notification_queue(event="sender_refused", recipient="a@b.example", context={})
    (row,) = admin_api.get("notifications/outbox").json()
    assert row["status"] == "queued" and row["recipient"] == "a@b.example"


def test_clients_cannot_read_the_outbox(api_for, db):
    from tests.factories import ContactUserFactory

    client = ContactUserFactory(username="c@client.example", email="c@client.example")
    assert api_for(client).get("notifications/outbox").status_code == 403


def test_agents_and_contractors_cannot_read_the_outbox(api_for, agent):
    """Issue 13 item 2: outbox rows name clients' addresses and other teams' ticket titles."""
    from tests.factories import UserFactory

    notification_queue(event="sender_refused", recipient="a@b.example", context={})
    contractor = UserFactory(role="contractor")
    assert api_for(agent).get("notifications/outbox").status_code == 403
    assert api_for(contractor).get("notifications/outbox").status_code == 403


def test_a_preference_for_a_channel_not_connected_here_is_refused(api_for, agent):
    """Issue 13 item 14: a Telegram preference was saved and then dropped every notification."""
    response = api_for(agent).put(
        "notifications/preferences", {"event": "ticket_assigned", "channel": "telegram"}
    )
    assert response.status_code == 422
    assert "not connected" in response.json()["error"]["fields"]["channel"]


def test_a_stored_preference_for_a_missing_channel_falls_back_to_email(agent, admin, dispatch):
    from deskline.notifications.models import Outbox
    from deskline.tickets.services import ticket_assign, ticket_create

    NotificationPreference.objects.create(user=agent, event="ticket_assigned", channel="sms")
    ticket = ticket_create(actor=admin, title="Printer jams")
    ticket_assign(actor=admin, number=ticket.number, team_id=None, assignee_id=agent.pk)
    dispatch()
    row = Outbox.objects.get(event="ticket_assigned")
    assert (row.channel, row.recipient) == ("email", agent.email)
