"""Telephony intake through its HTTP endpoint and services: calls, caller lookup, callbacks,
the call's note on its ticket, redelivery, quarantine and retry."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from deskline.channels.phone import (
    call_event_process,
    call_event_retry,
    call_events_process_pending,
    call_log_ticket,
    phone_ingest,
    phone_source_token_create,
)
from deskline.channels.phone_models import Call, CallEvent, PhoneSource
from deskline.tickets.models import Comment, Ticket
from tests.channels.test_alert_pure import payload
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def source() -> PhoneSource:
    return PhoneSource.objects.create(name="pbx", kind="generic")


def _post(name: str, body: bytes, token: str) -> object:
    return Client().post(
        f"/api/v1/channels/phone/{name}",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def _event(event: str, call_id: str = "c1", **fields: object) -> bytes:
    base = {"call_id": call_id, "event": event, "direction": "inbound",
            "from": "+7 (912) 345-67-89", "to": "+74950000000", "extension": "101"}  # fmt: skip
    return json.dumps({**base, **fields}).encode()


def _ingest(source: PhoneSource, *bodies: bytes) -> None:
    for body in bodies:
        assert phone_ingest(source=source, body=body).status == "processed"


def test_webhook_with_its_secret_stores_the_event_and_keeps_one_call(source):
    token = phone_source_token_create(source_id=source.pk)
    response = _post("pbx", _event("started", timestamp="2026-12-04T05:00:00Z"), token)
    assert response.status_code == 202
    assert response.json()["status"] == "processed" and response.json()["calls"] == ["c1"]
    call = Call.objects.get()
    assert (call.call_id, call.status, call.extension) == ("c1", "ringing", "101")
    assert CallEvent.objects.get().raw == _event("started", timestamp="2026-12-04T05:00:00Z")


def test_webhook_refuses_a_wrong_secret_and_stores_nothing(source):
    phone_source_token_create(source_id=source.pk)
    response = _post("pbx", _event("started"), "tel_wrong")
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"
    assert not CallEvent.objects.exists()


def test_webhook_of_another_source_does_not_take_this_sources_secret(source):
    other = PhoneSource.objects.create(name="other")
    phone_source_token_create(source_id=other.pk)
    token = phone_source_token_create(source_id=source.pk)
    assert _post("other", _event("started"), token).status_code == 401


def test_the_same_delivery_again_is_a_duplicate_that_changes_nothing(source):
    token = phone_source_token_create(source_id=source.pk)
    _post("pbx", _event("started"), token)
    again = _post("pbx", _event("started"), token).json()
    assert again["duplicate"] is True
    assert CallEvent.objects.get().deliveries == 2 and Call.objects.count() == 1


def test_caller_in_any_format_is_found_with_their_company(source):
    contact = ContactFactory(phone="8 912 345 67 89")
    _ingest(source, _event("started"))
    call = Call.objects.get()
    assert (call.contact, call.company, call.client_number) == (
        contact, contact.company, "+79123456789",
    )  # fmt: skip


def test_the_agent_is_found_by_the_extension_that_answered(source):
    agent = UserFactory(phone_extension="102")
    _ingest(source, _event("started"), _event("answered", extension="102"))
    call = Call.objects.get()
    assert (call.status, call.agent, call.rang) == ("talking", agent, ["101", "102"])


def test_events_out_of_order_give_the_same_completed_call(source):
    _ingest(
        source,
        _event("ended", timestamp="2026-12-04T05:04:00Z"),
        _event("answered", timestamp="2026-12-04T05:01:00Z"),
        _event("started", timestamp="2026-12-04T05:00:00Z"),
    )
    call = Call.objects.get()
    assert call.status == "completed"
    assert (call.ended_at - call.answered_at).total_seconds() == 180


def test_a_missed_call_from_a_known_client_opens_one_callback_ticket(source):
    contact = ContactFactory(phone="+79123456789")
    _ingest(source, _event("started"), _event("ended"))
    call = Call.objects.select_related("callback_ticket").get()
    ticket = call.callback_ticket
    assert ticket is not None and call.status == "missed"
    assert (ticket.contact, ticket.company, ticket.channel) == (contact, contact.company, "phone")
    assert contact.name in ticket.title
    _ingest(source, _event("ended", timestamp="2026-12-04T05:09:00Z"))  # a late repeat
    assert Ticket.objects.count() == 1


def test_another_missed_call_while_the_callback_is_open_adds_a_note_not_a_ticket(source):
    ContactFactory(phone="+79123456789")
    _ingest(source, _event("started"), _event("ended"))
    _ingest(source, _event("started", call_id="c2"), _event("ended", call_id="c2"))
    ticket = Ticket.objects.get()
    assert Call.objects.filter(callback_ticket=ticket).count() == 2
    assert "Missed call again" in Comment.objects.get(ticket=ticket).body


def test_a_missed_call_from_an_unknown_number_or_an_answered_one_opens_nothing(source):
    ContactFactory(phone="+79123456789")
    _ingest(source, _event("started", call_id="u", **{"from": "+74951112233"}),
            _event("ended", call_id="u", **{"from": "+74951112233"}))  # fmt: skip
    _ingest(source, _event("started"), _event("answered"), _event("ended"))
    assert not Ticket.objects.exists()


def test_a_source_may_switch_callback_tickets_off(source):
    ContactFactory(phone="+79123456789")
    PhoneSource.objects.filter(pk=source.pk).update(callback_on_missed=False)
    source.refresh_from_db()
    _ingest(source, _event("started"), _event("ended"))
    assert not Ticket.objects.exists()


def test_a_call_logged_on_a_ticket_adds_its_duration_and_recording_when_it_ends(
    source, make_ticket, admin
):
    ticket = make_ticket()
    _ingest(source, _event("started", timestamp="2026-12-04T05:00:00Z"),
            _event("answered", timestamp="2026-12-04T05:00:30Z"))  # fmt: skip
    call_log_ticket(actor=admin, call_pk=Call.objects.get().pk, number=ticket.number)
    assert not Comment.objects.filter(ticket=ticket).exists()
    _ingest(source, _event("ended", timestamp="2026-12-04T05:03:42Z",
                           recording_url="https://pbx.example/rec/c1.mp3"))  # fmt: skip
    note = Comment.objects.get(ticket=ticket)
    assert not note.is_public and note.channel == "phone"
    assert "3 min 12 s" in note.body and "https://pbx.example/rec/c1.mp3" in note.body


def test_a_recording_that_comes_later_adds_one_more_note(source, make_ticket, admin):
    ticket = make_ticket()
    _ingest(source, _event("started"), _event("answered"), _event("ended"))
    call_log_ticket(actor=admin, call_pk=Call.objects.get().pk, number=ticket.number)
    late = {"recording_url": "https://pbx.example/rec/c1.mp3", "timestamp": "2026-12-04T06:00:00Z"}
    _ingest(source, _event("ended", **late))
    _ingest(source, json.dumps({"call_id": "c1", "event": "ended", **late}).encode())
    bodies = list(Comment.objects.filter(ticket=ticket).values_list("body", flat=True))
    assert len(bodies) == 2 and "c1.mp3" in bodies[1]


def test_a_call_is_logged_on_its_first_ticket_only(source, make_ticket, admin):
    first, second = make_ticket(), make_ticket()
    _ingest(source, _event("started"), _event("answered"), _event("ended"))
    call = Call.objects.get()
    call_log_ticket(actor=admin, call_pk=call.pk, number=first.number)
    call_log_ticket(actor=admin, call_pk=call.pk, number=second.number)
    assert Comment.objects.filter(ticket=first).count() == 1
    assert not Comment.objects.filter(ticket=second).exists()


def test_an_unreadable_event_is_quarantined_with_its_reason_and_retried(source):
    token = phone_source_token_create(source_id=source.pk)
    body = json.dumps({"call_id": "c9", "event": "transferred"}).encode()
    answer = _post("pbx", body, token).json()
    assert answer["status"] == "quarantined" and "event" in answer["reason"]
    event = CallEvent.objects.get()
    PhoneSource.objects.filter(pk=source.pk).update(kind="generic")
    CallEvent.objects.filter(pk=event.pk).update(raw=_event("started", call_id="c9"))
    assert call_event_retry(event_id=event.pk).status == "processed"
    assert Call.objects.get().call_id == "c9"


def test_a_delivery_left_received_by_a_dead_worker_is_processed_once(source):
    event = CallEvent.objects.create(
        source=source, key="k", raw=_event("started"), received_at="2026-12-04T04:00:00Z"
    )
    assert call_events_process_pending() == 1
    assert call_event_process(event_id=event.pk).duplicate is True
    assert Call.objects.count() == 1


def test_asterisk_ari_events_make_a_completed_call(source):
    PhoneSource.objects.filter(pk=source.pk).update(kind="asterisk_ari")
    source.refresh_from_db()
    contact = ContactFactory(phone="+79123456789")
    for name in ("ari_stasis_start.json", "ari_state_up.json", "ari_destroyed.json"):
        _ingest(source, payload(name))
    call = Call.objects.get()
    assert (call.call_id, call.status, call.contact, call.extension) == (
        "1764814200.42", "completed", contact, "101",
    )  # fmt: skip
    assert (call.ended_at - call.answered_at).total_seconds() == 192
