"""Telephony events read into one shape, and a call's state folded from them (pure, no ORM).

Two wire formats are understood:

- the generic JSON call event (README, "Phone"): one object, or `{"events": [...]}`, each with
  `call_id` and `event` (`started`, `answered` or `ended`) and optionally `direction`
  (`inbound`/`outbound`), `from`, `to`, `extension`, `recording_url`, `timestamp` and the
  explicit `started_at`/`answered_at`/`ended_at`;
- Asterisk's ARI events as its REST interface documents them (the JSON objects of the
  `/ari/events` WebSocket): `StasisStart`, `ChannelStateChange` (`Ring`/`Ringing` rings, `Up`
  answers) and `ChannelDestroyed`, keyed by `channel.id`. Other event types carry nothing for
  us and give no notices.

`call_fold` applies a notice to what we know of the call. It is order-free: the start is the
earliest start seen, the end the latest end, answering is remembered whatever came after, so
events delivered late or twice give the same call.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

FORMATS = ("generic", "asterisk_ari")
EVENTS = ("started", "answered", "ended")
DIRECTIONS = ("inbound", "outbound")
#: A number this short with digits only is an internal extension, not a subscriber.
MAX_EXTENSION_DIGITS = 6


class CallFormatError(ValueError):
    """The payload does not follow its format; the message says where."""


@dataclass(frozen=True)
class CallNotice:
    """One event of one call as the PBX reports it."""

    call_id: str
    event: str
    at: dt.datetime
    direction: str = ""
    from_number: str = ""
    to_number: str = ""
    extension: str = ""
    recording_url: str = ""
    answered_at: dt.datetime | None = None
    started_at: dt.datetime | None = None


@dataclass(frozen=True)
class CallState:
    """What we know of a call; `status` follows from the times."""

    direction: str = "inbound"
    from_number: str = ""
    to_number: str = ""
    extension: str = ""
    recording_url: str = ""
    started_at: dt.datetime | None = None
    answered_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    #: Every extension that rang (a ring group rings several; each agent sees the card).
    rang: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        if self.ended_at is not None:
            return "completed" if self.answered_at is not None else "missed"
        return "talking" if self.answered_at is not None else "ringing"

    @property
    def talk_seconds(self) -> int:
        if self.answered_at is None or self.ended_at is None:
            return 0
        return max(0, round((self.ended_at - self.answered_at).total_seconds()))


def parse_call_events(kind: str, body: bytes, *, received_at: dt.datetime) -> list[CallNotice]:
    """The notices in `body` for the format `kind`; CallFormatError when it does not fit."""
    if kind not in FORMATS:
        raise CallFormatError(f"unknown format {kind!r}")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CallFormatError(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise CallFormatError("the body must be a JSON object")
    if kind == "asterisk_ari":
        return ari_notices(data, received_at=received_at)
    items = data.get("events") if "events" in data else [data]
    if not isinstance(items, list) or not items:
        raise CallFormatError("events: a non-empty list of call events")
    return [_generic(item, f"events[{i}]", received_at) for i, item in enumerate(items)]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _time(value: Any, where: str) -> dt.datetime | None:
    text = _text(value)
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CallFormatError(f"{where}: not an ISO 8601 time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _generic(item: Any, where: str, received_at: dt.datetime) -> CallNotice:
    if not isinstance(item, Mapping):
        raise CallFormatError(f"{where} must be an object")
    call_id = _text(item.get("call_id"))
    if not call_id:
        raise CallFormatError(f"{where}.call_id: required")
    event = _text(item.get("event")).lower()
    if event not in EVENTS:
        raise CallFormatError(f"{where}.event: one of {', '.join(EVENTS)}")
    direction = _text(item.get("direction")).lower()
    if direction and direction not in DIRECTIONS:
        raise CallFormatError(f"{where}.direction: inbound or outbound")
    at = _time(item.get("timestamp"), f"{where}.timestamp")
    explicit = _time(item.get(f"{event}_at"), f"{where}.{event}_at")
    return CallNotice(
        call_id=call_id[:200],
        event=event,
        at=explicit or at or received_at,
        direction=direction,
        from_number=_text(item.get("from"))[:64],
        to_number=_text(item.get("to"))[:64],
        extension=_text(item.get("extension"))[:32],
        recording_url=_text(item.get("recording_url"))[:1000],
        answered_at=_time(item.get("answered_at"), f"{where}.answered_at"),
        started_at=_time(item.get("started_at"), f"{where}.started_at"),
    )


def is_extension(number: str) -> bool:
    return number.isdigit() and len(number) <= MAX_EXTENSION_DIGITS


def ari_notices(data: Mapping[str, Any], *, received_at: dt.datetime) -> list[CallNotice]:
    """Notices from one ARI event: StasisStart, ChannelStateChange, ChannelDestroyed."""
    kind = _text(data.get("type"))
    if not kind:
        raise CallFormatError("type: the ARI event type is required")
    if kind not in ("StasisStart", "ChannelStateChange", "ChannelDestroyed"):
        return []
    channel = data.get("channel")
    if not isinstance(channel, Mapping) or not _text(channel.get("id")):
        raise CallFormatError(f"{kind}: channel.id is required")
    state = _text(channel.get("state"))
    at = _time(data.get("timestamp"), "timestamp") or received_at
    base = _ari_base(channel, at)
    if kind == "ChannelDestroyed":
        return [replace(base, event="ended")]
    if kind == "ChannelStateChange":
        if state == "Up":
            return [replace(base, event="answered")]
        return [base] if state in ("Ring", "Ringing") else []
    started = replace(base, started_at=_time(channel.get("creationtime"), "creationtime"))
    return [started, replace(base, event="answered")] if state == "Up" else [started]


def _ari_base(channel: Mapping[str, Any], at: dt.datetime) -> CallNotice:
    caller = channel.get("caller") if isinstance(channel.get("caller"), Mapping) else {}
    connected = channel.get("connected") if isinstance(channel.get("connected"), Mapping) else {}
    dialplan = channel.get("dialplan") if isinstance(channel.get("dialplan"), Mapping) else {}
    assert isinstance(caller, Mapping) and isinstance(connected, Mapping)
    assert isinstance(dialplan, Mapping)
    number = _text(caller.get("number"))
    exten = _text(dialplan.get("exten"))
    other = _text(connected.get("number"))
    if is_extension(number):  # an agent's phone dials out
        direction, extension, to = "outbound", number, other or exten
    else:
        direction, to = "inbound", exten
        extension = exten if is_extension(exten) else (other if is_extension(other) else "")
    return CallNotice(
        call_id=_text(channel.get("id"))[:200],
        event="started",
        at=at,
        direction=direction,
        from_number=number[:64],
        to_number=to[:64],
        extension=extension[:32],
    )


def _earliest(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime | None:
    return b if a is None else a if b is None else min(a, b)


def call_fold(state: CallState | None, notice: CallNotice) -> CallState:
    """What we know of the call once `notice` is applied (in any order, any number of times)."""
    now = state or CallState(direction=notice.direction or "inbound")
    started = _earliest(now.started_at, notice.started_at)
    answered = _earliest(now.answered_at, notice.answered_at)
    ended = now.ended_at
    if notice.event == "started":
        started = _earliest(started, notice.at)
    elif notice.event == "answered":
        answered = _earliest(answered, notice.at)
    elif notice.event == "ended":
        ended = notice.at if ended is None else max(ended, notice.at)
    # Who answered is the agent of the call; a ring before it only says whose phone rang.
    extension = now.extension
    if notice.extension and (notice.event == "answered" or not extension):
        extension = notice.extension
    return CallState(
        direction=notice.direction or now.direction,
        from_number=now.from_number or notice.from_number,
        to_number=now.to_number or notice.to_number,
        extension=extension,
        recording_url=notice.recording_url or now.recording_url,
        started_at=_earliest(started, answered),
        answered_at=answered,
        ended_at=ended,
        rang=now.rang + (notice.extension,)
        if notice.extension and notice.extension not in now.rang
        else now.rang,
    )
