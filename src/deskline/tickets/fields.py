"""Each ticket field a caller can set, declared once with its roles (pure, no ORM).

Adding a field to the ticket means adding it here; the write path, the SLA's choice of policy,
the webhook payload and the API schemas read their lists from this table (a test checks the
schemas against it), instead of each keeping its own copy.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TicketField:
    #: The name callers use (API, services): `priority_id`, `parent_number`, `title`, ...
    name: str
    #: The model attribute it sets (`priority` for `priority_id`); "" for the many-to-many.
    column: str
    #: `ticket_update` may change it.
    updatable: bool = True
    #: A client (contact) may set it when creating a ticket.
    client_sets: bool = False
    #: The ticket always has one: an update may change it, never clear it.
    required: bool = False
    #: The SLA policy and calendar are chosen again when it changes.
    sla_choice: bool = False
    #: Sent (by its API name) in the ticket part of webhook payloads.
    in_webhooks: bool = False


FIELDS: tuple[TicketField, ...] = (
    TicketField("title", "title", client_sets=True, required=True, in_webhooks=True),
    TicketField("description", "description", client_sets=True),
    TicketField("type_id", "type", client_sets=True, required=True, sla_choice=True),
    TicketField("category_id", "category", sla_choice=True),
    TicketField("priority_id", "priority", required=True, sla_choice=True),
    TicketField("company_id", "company", sla_choice=True, in_webhooks=True),
    TicketField("contact_id", "contact"),
    TicketField("site_id", "site", client_sets=True, sla_choice=True, in_webhooks=True),
    TicketField("equipment_id", "equipment", client_sets=True),
    TicketField("contract_id", "contract", sla_choice=True),
    TicketField("team_id", "team", updatable=False, in_webhooks=True),
    TicketField("assignee_id", "assignee", updatable=False, in_webhooks=True),
    TicketField("parent_number", "parent"),
    TicketField("observer_ids", ""),
    TicketField("custom_fields", "custom_fields", client_sets=True),
)
BY_NAME = {f.name: f for f in FIELDS}

#: Fields `ticket_update` changes (status and assignment have their own services).
UPDATABLE = frozenset(f.name for f in FIELDS if f.updatable)
#: What a client may set when creating a ticket.
CLIENT_SETS = frozenset(f.name for f in FIELDS if f.client_sets)
#: References every ticket holds: an update may change them, never clear them.
REQUIRED = frozenset(f.name for f in FIELDS if f.required and f.name.endswith("_id"))
#: Fields the choice of SLA policy or calendar depends on.
SLA_CHOICE = frozenset(f.name for f in FIELDS if f.sla_choice)
#: Ticket columns written by `ticket_update` (with the derived ones each change moves).
UPDATE_COLUMNS = (
    *(f.column for f in FIELDS if f.updatable and f.column),
    "priority_weight",
    "not_covered",
)
#: Fields sent in webhook payloads, by API name.
WEBHOOK = tuple(f.name for f in FIELDS if f.in_webhooks)
