"""Telling the client about a visit: "the engineer is on the way" when an engineer sets off, and
"visit done, please confirm" at check-out, on the contact's preferred channel."""

from __future__ import annotations

from deskline.fieldwork.models import Visit, VisitStatus
from deskline.fieldwork.payloads import VisitProgress
from deskline.notifications.models import Event
from deskline.notifications.reactions import event_notify
from deskline.tickets.models import TicketEvent

KIND_BY_STATUS = {VisitStatus.EN_ROUTE: Event.ENGINEER_EN_ROUTE, VisitStatus.DONE: Event.VISIT_DONE}


def visit_notify(event: TicketEvent) -> None:
    """The `fieldwork.notify` reaction to visit progress."""
    payload = event.payload
    if not isinstance(payload, VisitProgress) or event.ticket.contact is None:
        return
    kind = (
        KIND_BY_STATUS.get(VisitStatus(payload.status))
        if payload.status in VisitStatus.values
        else None
    )
    visit = Visit.objects.select_related("site").filter(pk=payload.visit_id).first()
    if kind is None or visit is None:
        return
    engineer = event.actor.get_full_name() or event.actor.username if event.actor else ""
    event_notify(event, kind, contact=event.ticket.contact, engineer=engineer,
                 site=visit.site.name, materials=visit.materials)  # fmt: skip
