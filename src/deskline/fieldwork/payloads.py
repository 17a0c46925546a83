"""The fieldwork events in a ticket's history: checklist steps, time logged, visits planned,
moved, progressing and recorded."""

from __future__ import annotations

from datetime import datetime

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


@event_kind
class VisitPlanned(Payload):
    KIND, LABEL = "visit_planned", "Visit planned"
    visit_id: int
    start: datetime
    end: datetime
    engineers: list[str]
    #: Set when an existing visit was moved: where it was before.
    previous_start: datetime | None = None
    previous_end: datetime | None = None


@event_kind
class VisitProgress(Payload):
    """A visit changed status: en route, checked in, done (checked out), cancelled, failed."""

    KIND, LABEL = "visit_status", "Visit"
    visit_id: int
    status: str
    reason: str = ""
    #: Metres between the phone and the site at check-in or check-out.
    distance_m: int | None = None


@event_kind
class VisitRecorded(Payload):
    """Something recorded on a visit: a photo, the client's signature, the materials used."""

    KIND, LABEL = "visit_recorded", "Visit record"
    visit_id: int
    what: str
    detail: str = ""
