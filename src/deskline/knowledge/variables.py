"""The variables a reply template may use, and their values for one ticket.

The values are read from a ticket whose company, contact and assignee are already joined
(`deskline.desk.selectors.ticket_for_reply`), so filling a template runs no query.
Deadlines are shown in the active time zone (the agent's, on desk pages).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.notifications.context import base_url
from deskline.tickets.models import Ticket

#: Variable name -> what it holds (shown to whoever writes a template).
REPLY_VARIABLES: dict[str, Promise] = {
    "ticket.number": _("ticket number"),
    "ticket.title": _("ticket title"),
    "contact_name": _("the contact's name"),
    "company_name": _("the company's name"),
    "agent_name": _("the replying agent's name"),
    "reaction_due": _("reaction deadline"),
    "resolution_due": _("resolution deadline"),
    "ticket_url": _("link to the ticket in the client portal"),
}


def _when(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else ""


def reply_values(ticket: Ticket, agent: User) -> dict[str, str]:
    """The value of every reply variable for `ticket`, written by `agent`."""
    return {
        "ticket.number": str(ticket.number),
        "ticket.title": ticket.title,
        "contact_name": ticket.contact.name if ticket.contact else "",
        "company_name": ticket.company.name if ticket.company else "",
        "agent_name": agent.get_full_name() or agent.username,
        "reaction_due": _when(ticket.reaction_due),
        "resolution_due": _when(ticket.resolution_due),
        "ticket_url": f"{base_url()}/portal/tickets/{ticket.number}/",
    }
