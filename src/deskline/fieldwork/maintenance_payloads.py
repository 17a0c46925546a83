"""The planned-maintenance event in a ticket's history: which plan and date created the ticket."""

from __future__ import annotations

import datetime as dt

from deskline.tickets.payloads import Payload, event_kind


@event_kind
class MaintenanceDue(Payload):
    KIND, LABEL = "maintenance_due", "Planned maintenance"
    plan_id: int
    plan: str
    due_on: dt.date
    scheduled_on: dt.date
