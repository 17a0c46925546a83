"""Required custom fields: not demanded when a ticket arrives, demanded before it is finished.

Mail, phone events and monitoring cannot fill in a form, so a ticket is created without its
required fields; the ticket page shows them as missing, and resolving or closing the ticket is
refused until they are filled in (a status guard the tickets app registers).
"""

from __future__ import annotations

from typing import Any

from deskline.tickets import config_cache
from deskline.tickets.custom_fields import missing_required
from deskline.tickets.models import Phase, Status, Ticket

FINISHING_PHASES = (Phase.RESOLVED, Phase.CLOSED)


def required_fields_missing(ticket: Ticket) -> list[str]:
    """Codes of the ticket type's required fields this ticket leaves empty."""
    definitions = config_cache.field_definitions(ticket.type_id, for_client=False)
    return missing_required(ticket.custom_fields or {}, definitions)


def required_fields_guard(*, ticket: Ticket, target: Status, **_: Any) -> dict[str, str]:
    if target.phase not in FINISHING_PHASES:
        return {}
    return {
        f"custom_fields.{code}": "is required before the ticket is resolved or closed"
        for code in required_fields_missing(ticket)
    }
