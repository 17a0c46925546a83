"""Who and where in Deskline for the old system's people and queues (used by the loader).

Requesters become contacts (found by e-mail, else created, with their company when the old
system knew it); agents are matched to existing Deskline staff by e-mail (never created: the
admin invites staff); queues, departments and groups become teams or categories by name.
"""

from __future__ import annotations

from django.db.models import Q

from deskline.accounts.models import User
from deskline.accounts.services import team_get_or_create
from deskline.clients.models import Company, Contact
from deskline.clients.services import company_create, contact_create
from deskline.core.errors import DomainError
from deskline.core.roles import STAFF_ROLES
from deskline.operations.migration.records import SourcePerson
from deskline.tickets.models import Category, Priority, Status
from deskline.tickets.reference_services import category_create


class Directory:
    """Resolves people, groups, statuses and priorities, remembering answers within one run
    (only ids that outlive a rolled-back dry-run row: existing rows, never created ones)."""

    def __init__(self, *, actor: User, groups_as: str) -> None:
        self.actor, self.groups_as = actor, groups_as
        self._staff: dict[str, int | None] = {}
        self.unmatched_agents: set[str] = set()

    def staff_id(self, person: SourcePerson | None) -> int | None:
        if person is None or not person.email:
            return None
        key = person.email.lower()
        if key not in self._staff:
            self._staff[key] = (
                User.objects.filter(email__iexact=key, is_active=True, is_system=False,
                                    role__in=STAFF_ROLES)
                .values_list("pk", flat=True).first()
            )  # fmt: skip
        if self._staff[key] is None:
            self.unmatched_agents.add(key)
        return self._staff[key]

    def contact(self, person: SourcePerson | None) -> tuple[int | None, int | None]:
        """(contact id, company id) for a requester; (None, None) without an e-mail address."""
        if person is None or not person.email:
            return None, None
        found = Contact.objects.filter(email__iexact=person.email).order_by("pk").first()
        if found is not None:
            return found.pk, found.company_id
        company_id = self.company_id(person.company)
        name = person.name.strip() or person.email.split("@")[0]
        contact = contact_create(actor=self.actor, company_id=company_id, name=name[:200],
                                 email=person.email, phone=person.phone)  # fmt: skip
        return contact.pk, company_id

    def company_id(self, name: str) -> int | None:
        name = " ".join(name.split())
        if not name:
            return None
        found = Company.objects.filter(name__iexact=name).values_list("pk", flat=True).first()
        return found if found is not None else company_create(actor=self.actor, name=name).pk

    def group(self, name: str) -> dict[str, int | None]:
        """{"team_id": …} or {"category_id": …} for a queue name (empty without one)."""
        name = " ".join(name.split())
        if not name:
            return {}
        if self.groups_as == "teams":
            return {"team_id": team_get_or_create(actor=self.actor, name=name).pk}
        found = (
            Category.objects.filter(Q(name__iexact=name), parent__isnull=True)
            .values_list("pk", flat=True).first()
        )  # fmt: skip
        if found is None:
            found = category_create(actor=self.actor, name=name[:200]).pk
        return {"category_id": found}


def status_for_phase(phase: str) -> Status:
    """The first active status of the phase (the initial one for "new")."""
    rows = Status.objects.filter(is_active=True)
    if phase == "new":
        initial = rows.filter(is_initial=True).first()
        if initial is not None:
            return initial
    status = rows.filter(phase=phase).order_by("order", "pk").first()
    if status is None:
        raise DomainError(f"no active status in the {phase} phase: add one first")
    return status


def priority_id(code: str) -> int | None:
    """The priority with this code; None (the default priority) when it is not configured."""
    return Priority.objects.filter(code=code).values_list("pk", flat=True).first()
