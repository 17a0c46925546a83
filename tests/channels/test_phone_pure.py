"""Telephony's pure parts: the generic call event format, the Asterisk ARI adapter, and the
order-free fold of a call's events."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskline.channels.phoneformats import (
    CallFormatError,
    CallNotice,
    call_fold,
    parse_call_events,
)
from tests.channels.test_alert_pure import payload

NOW = dt.datetime(2026, 12, 4, 5, 0, tzinfo=dt.UTC)


def _generic(**fields: object) -> bytes:
    return json.dumps({"call_id": "c1", "event": "started", **fields}).encode()


def test_generic_event_reads_every_documented_field():
    body = _generic(direction="inbound", **{"from": "+7 912 345-67-89", "to": "84950000000"},
                    extension="101", recording_url="https://pbx.example/r/c1.mp3",
                    timestamp="2026-12-04T05:01:02Z")  # fmt: skip
    (notice,) = parse_call_events("generic", body, received_at=NOW)
    assert (notice.call_id, notice.event, notice.direction) == ("c1", "started", "inbound")
    assert (notice.from_number, notice.to_number, notice.extension) == (
        "+7 912 345-67-89", "84950000000", "101",
    )  # fmt: skip
    assert notice.recording_url.endswith("c1.mp3")
    assert notice.at == dt.datetime(2026, 12, 4, 5, 1, 2, tzinfo=dt.UTC)


def test_generic_event_without_timestamp_happened_when_received():
    (notice,) = parse_call_events("generic", _generic(), received_at=NOW)
    assert notice.at == NOW


def test_generic_events_list_gives_each_in_order():
    body = json.dumps({"events": [{"call_id": "c1", "event": "started"},
                                  {"call_id": "c1", "event": "ended"}]}).encode()  # fmt: skip
    assert [n.event for n in parse_call_events("generic", body, received_at=NOW)] == [
        "started", "ended",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"not json", "not JSON"),
        (b"[1]", "JSON object"),
        (json.dumps({"event": "started"}).encode(), "call_id"),
        (_generic(event="hold"), "event"),
        (_generic(direction="sideways"), "direction"),
        (_generic(timestamp="yesterday"), "timestamp"),
        (json.dumps({"events": []}).encode(), "events"),
    ],
)
def test_generic_event_that_does_not_fit_says_where(body, why):
    with pytest.raises(CallFormatError, match=why):
        parse_call_events("generic", body, received_at=NOW)


def test_ari_stasis_start_is_an_inbound_call_ringing_the_dialled_extension():
    (notice,) = parse_call_events("asterisk_ari", payload("ari_stasis_start.json"), received_at=NOW)
    assert (notice.call_id, notice.event, notice.direction) == (
        "1764814200.42",
        "started",
        "inbound",
    )
    assert (notice.from_number, notice.extension) == ("89123456789", "101")
    assert notice.at == dt.datetime(2026, 12, 4, 2, 10, 0, 512000, tzinfo=dt.UTC)
    assert notice.started_at == dt.datetime(2026, 12, 4, 2, 9, 59, 870000, tzinfo=dt.UTC)


def test_ari_state_up_answers_and_channel_destroyed_ends():
    (up,) = parse_call_events("asterisk_ari", payload("ari_state_up.json"), received_at=NOW)
    (gone,) = parse_call_events("asterisk_ari", payload("ari_destroyed.json"), received_at=NOW)
    assert (up.event, up.call_id, gone.event, gone.call_id) == (
        "answered", "1764814200.42", "ended", "1764814200.42",
    )  # fmt: skip


def test_ari_call_from_an_extension_is_outbound_from_that_agent():
    data = json.loads(payload("ari_stasis_start.json"))
    data["channel"]["caller"]["number"] = "102"
    data["channel"]["dialplan"]["exten"] = "89161234567"
    (notice,) = parse_call_events("asterisk_ari", json.dumps(data).encode(), received_at=NOW)
    assert (notice.direction, notice.extension, notice.to_number) == (
        "outbound", "102", "89161234567",
    )  # fmt: skip


def test_ari_events_we_do_not_use_give_nothing_and_broken_ones_say_why():
    other = {"type": "ChannelDtmfReceived", "digit": "1", "channel": {"id": "x"}}
    assert parse_call_events("asterisk_ari", json.dumps(other).encode(), received_at=NOW) == []
    with pytest.raises(CallFormatError, match="channel.id"):
        parse_call_events("asterisk_ari", b'{"type": "StasisStart"}', received_at=NOW)


def _notice(event: str, minute: int, **fields: object) -> CallNotice:
    return CallNotice(call_id="c1", event=event, at=NOW + dt.timedelta(minutes=minute),
                      **fields)  # type: ignore[arg-type]  # fmt: skip


CALL = [
    _notice("started", 0, direction="inbound", from_number="+79123456789", extension="101"),
    _notice("answered", 1, extension="102"),
    _notice("ended", 4, recording_url="https://pbx.example/r.mp3"),
]


def _fold_all(notices: list[CallNotice]):
    state = None
    for notice in notices:
        state = call_fold(state, notice)
    return state


def test_a_call_answered_then_ended_is_completed_with_its_talk_time_and_the_answering_agent():
    state = _fold_all(CALL)
    assert state.status == "completed" and state.talk_seconds == 180
    assert state.extension == "102" and state.rang == ("101", "102")
    assert state.recording_url.endswith("r.mp3")


def test_a_call_ended_without_answer_is_missed_and_a_live_one_rings_or_talks():
    assert _fold_all([CALL[0], CALL[2]]).status == "missed"
    assert _fold_all(CALL[:1]).status == "ringing"
    assert _fold_all(CALL[:2]).status == "talking"


def test_an_ended_event_carrying_answered_at_is_not_missed():
    ended = _notice("ended", 4, answered_at=NOW + dt.timedelta(minutes=2))
    assert _fold_all([CALL[0], ended]).status == "completed"


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_events_in_any_order_give_the_same_call(order):
    shuffled, inline = _fold_all([CALL[i] for i in order]), _fold_all(CALL)
    assert replace(shuffled, rang=()) == replace(inline, rang=())
    assert set(shuffled.rang) == set(inline.rang)


@given(st.permutations(range(3)), st.lists(st.sampled_from(range(3)), max_size=5))
def test_repeating_events_changes_nothing(order, repeats):
    state = _fold_all([CALL[i] for i in [*order, *repeats]])
    assert (state.status, state.started_at, state.answered_at, state.ended_at, state.extension) == (
        "completed", NOW, NOW + dt.timedelta(minutes=1), NOW + dt.timedelta(minutes=4), "102",
    )  # fmt: skip
