"""The roles a login can have: a shared value type every app checks against (no ORM here)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    SUPERVISOR = "supervisor", _("Supervisor")
    DISPATCHER = "dispatcher", _("Dispatcher")
    AGENT = "agent", _("Agent")
    CONTRACTOR = "contractor", _("Contractor")
    CONTACT = "contact", _("Client contact")


#: Roles that see every ticket.
ROLES_SEEING_ALL = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER})
#: Roles of the service company's own staff (not clients).
STAFF_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER, Role.AGENT, Role.CONTRACTOR})
#: Roles that administer settings (and see admin-only data such as the outbox).
ADMIN_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR})
#: Roles that may write the client registry (companies, contacts, sites, equipment, contracts).
REGISTRY_WRITER_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER})
