"""The fieldwork events in a ticket's history: a checklist step ticked or cleared, time logged."""

from __future__ import annotations

from deskline.tickets.payloads import Payload, event_kind


@event_kind
class ChecklistTicked(Payload):
    KIND, LABEL = "checklist_ticked", "Checklist step"
    checklist: str
    item: str
    done: bool
    value: str = ""


@event_kind
class TimeLogged(Payload):
    KIND, LABEL = "time_logged", "Time logged"
    minutes: int
    kind: str
    billable: bool
    #: The time entry (what a charge made from it refers to).
    entry_id: int | None = None
