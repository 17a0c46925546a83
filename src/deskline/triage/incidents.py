"""Acting on a proposed mass incident: make the parent ticket and link the children, or dismiss.

The parent is an ordinary ticket made through `ticket_create`, each child is linked through
`ticket_update(parent_number=...)`, so the history of every ticket says who did it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from deskline.accounts.models import User
from deskline.core.errors import Conflict, NotFound
from deskline.core.permissions import require_staff
from deskline.tickets.models import Ticket
from deskline.tickets.services import ticket_create, ticket_update
from deskline.triage.models import MassIncident


def _proposed(actor: User, incident_id: int) -> MassIncident:
    require_staff(actor)
    incident = MassIncident.objects.select_for_update().filter(pk=incident_id).first()
    if incident is None:
        raise NotFound(f"no mass incident {incident_id}")
    if incident.state != MassIncident.State.PROPOSED:
        raise Conflict(f"mass incident {incident_id} is already {incident.state}")
    return incident


@transaction.atomic
def mass_incident_accept(*, actor: User, incident_id: int) -> Ticket:
    """Make the parent ticket and link every child to it; the parent."""
    incident = _proposed(actor, incident_id)
    children = list(incident.tickets.order_by("number"))
    numbers = ", ".join(f"#{c.number}" for c in children)
    parent = ticket_create(
        actor=actor,
        title=f"Mass incident: {incident.title}"[:300],
        description=f"{incident.label}: {numbers}",
        category_id=children[0].category_id if children else None,
        priority_id=max(children, key=lambda c: c.priority_weight).priority_id
        if children
        else None,
    )
    for child in children:
        if child.parent_id is None:
            ticket_update(
                actor=actor, number=child.number, changes={"parent_number": parent.number}
            )
    incident.state, incident.parent, incident.updated_at = (
        MassIncident.State.ACCEPTED,
        parent,
        timezone.now(),
    )
    incident.save(update_fields=["state", "parent", "updated_at"])
    return parent


@transaction.atomic
def mass_incident_dismiss(*, actor: User, incident_id: int) -> MassIncident:
    incident = _proposed(actor, incident_id)
    incident.state, incident.updated_at = MassIncident.State.DISMISSED, timezone.now()
    incident.save(update_fields=["state", "updated_at"])
    return incident
