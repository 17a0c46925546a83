"""Reads over the client registry, scoped to what the reading user may see.

Staff read the whole registry. A client contact reads only their own company, its sites,
equipment and contracts, and its contacts when they see the company's tickets (otherwise
only themselves); anything else is "not found", never "forbidden", so ids reveal nothing.
Reference data (categories, kinds, manufacturers, models) is for staff only.

Lists are keyset-paginated by id and carry the joins their output needs, so the number of
queries per page does not depend on the page size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models import Model, Prefetch, Q, QuerySet

from deskline.accounts.models import STAFF_ROLES, Role, User
from deskline.clients.models import (
    Company,
    CompanyCategory,
    Contact,
    Contract,
    Equipment,
    EquipmentKind,
    EquipmentModel,
    Manufacturer,
    Site,
)
from deskline.clients.phones import phone_normalize
from deskline.core.errors import NotFound, PermissionDenied

M = TypeVar("M", bound=Model)
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True)
class Page(Generic[M]):
    items: list[M]
    #: The id to continue after, or None on the last page.
    next_after: int | None


@dataclass(frozen=True)
class ClientScope:
    """What a client contact may see; ids are None when the login has no active contact."""

    company_id: int | None
    contact_id: int | None
    sees_company: bool


def is_registry_staff(user: User) -> bool:
    return user.is_superuser or user.role in STAFF_ROLES


def client_scope(user: User) -> ClientScope | None:
    """None for staff (they see everything), else the client's scope."""
    if is_registry_staff(user):
        return None
    contact = Contact.objects.filter(user_id=user.pk, is_active=True).first()
    if contact is None:
        return ClientScope(company_id=None, contact_id=None, sees_company=False)
    return ClientScope(contact.company_id, contact.pk, contact.sees_company_tickets)


def _page(queryset: QuerySet[M], *, after_id: int | None, limit: int) -> Page[M]:
    limit = max(1, min(limit, MAX_LIMIT))
    if after_id is not None:
        queryset = queryset.filter(pk__gt=after_id)
    rows = list(queryset.order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_after=rows[-1].pk if more else None)


def _get(queryset: QuerySet[M], pk: int, label: str) -> M:
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise NotFound(f"{label} {pk} not found")
    return row


#: (user, ticket column) -> the values of that column over the tickets `user` may see; the
#: tickets app registers it (clients cannot import tickets: tickets import clients).
TicketScope = Callable[[User, str], QuerySet[Any]]
_ticket_scope: list[TicketScope] = []


def registry_ticket_scope(fn: TicketScope) -> TicketScope:
    _ticket_scope[:] = [fn]
    return fn


def _is_contractor(user: User) -> bool:
    return user.role == Role.CONTRACTOR and not user.is_superuser


def _of_contractor(user: User, queryset: QuerySet[M], ticket_column: str | None) -> QuerySet[M]:
    """A contractor sees the registry rows its visible tickets name, and no contract."""
    if ticket_column is None or not _ticket_scope:
        return queryset.none()
    return queryset.filter(pk__in=_ticket_scope[0](user, ticket_column))


def _of_own_company(
    user: User, queryset: QuerySet[M], ticket_column: str | None = None
) -> QuerySet[M]:
    if _is_contractor(user):
        return _of_contractor(user, queryset, ticket_column)
    scope = client_scope(user)
    if scope is None:
        return queryset
    if scope.company_id is None:
        return queryset.none()
    return queryset.filter(company_id=scope.company_id)


def _staff_only(user: User) -> None:
    if not is_registry_staff(user):
        raise PermissionDenied("reference data is for staff only")


def _starts_with(text: str, *fields: str) -> Q:
    """Rows whose any of `fields` starts with `text` (case-insensitive): what a search box means."""
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__istartswith": text})
    return condition


def _live_on(day: dt.date) -> Q:
    return Q(is_active=True, starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


# Company categories, equipment kinds, manufacturers and models: staff-only reference data.


def company_category_list_for(
    user: User, *, after_id: int | None = None, limit: int = DEFAULT_LIMIT
) -> Page[CompanyCategory]:
    _staff_only(user)
    return _page(CompanyCategory.objects.all(), after_id=after_id, limit=limit)


def company_category_get_for(user: User, *, category_id: int) -> CompanyCategory:
    _staff_only(user)
    return _get(CompanyCategory.objects.all(), category_id, "company category")


def equipment_kind_list_for(
    user: User, *, after_id: int | None = None, limit: int = DEFAULT_LIMIT
) -> Page[EquipmentKind]:
    _staff_only(user)
    return _page(EquipmentKind.objects.all(), after_id=after_id, limit=limit)


def equipment_kind_get_for(user: User, *, kind_id: int) -> EquipmentKind:
    _staff_only(user)
    return _get(EquipmentKind.objects.all(), kind_id, "equipment kind")


def manufacturer_list_for(
    user: User, *, after_id: int | None = None, limit: int = DEFAULT_LIMIT
) -> Page[Manufacturer]:
    _staff_only(user)
    return _page(Manufacturer.objects.all(), after_id=after_id, limit=limit)


def manufacturer_get_for(user: User, *, manufacturer_id: int) -> Manufacturer:
    _staff_only(user)
    return _get(Manufacturer.objects.all(), manufacturer_id, "manufacturer")


def _equipment_models() -> QuerySet[EquipmentModel]:
    return EquipmentModel.objects.select_related("manufacturer", "kind")


def equipment_model_list_for(
    user: User,
    *,
    manufacturer_id: int | None = None,
    kind_id: int | None = None,
    after_id: int | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[EquipmentModel]:
    _staff_only(user)
    queryset = _equipment_models()
    if manufacturer_id is not None:
        queryset = queryset.filter(manufacturer_id=manufacturer_id)
    if kind_id is not None:
        queryset = queryset.filter(kind_id=kind_id)
    return _page(queryset, after_id=after_id, limit=limit)


def equipment_model_get_for(user: User, *, model_id: int) -> EquipmentModel:
    _staff_only(user)
    return _get(_equipment_models(), model_id, "equipment model")


# Companies and contacts.


def _companies_for(user: User) -> QuerySet[Company]:
    queryset = Company.objects.select_related("category")
    if _is_contractor(user):
        return _of_contractor(user, queryset, "company_id")
    scope = client_scope(user)
    if scope is None:
        return queryset
    if scope.company_id is None:
        return queryset.none()
    return queryset.filter(pk=scope.company_id)


def company_list_for(
    user: User,
    *,
    category_id: int | None = None,
    q: str | None = None,
    is_active: bool | None = None,
    after_id: int | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[Company]:
    queryset = _companies_for(user)
    if category_id is not None:
        queryset = queryset.filter(category_id=category_id)
    if q:
        queryset = queryset.filter(name__istartswith=q.strip())
    if is_active is not None:
        queryset = queryset.filter(is_active=is_active)
    return _page(queryset, after_id=after_id, limit=limit)


def company_get_for(user: User, *, company_id: int) -> Company:
    return _get(_companies_for(user), company_id, "company")


def _contacts_for(user: User) -> QuerySet[Contact]:
    queryset = Contact.objects.select_related("company")
    if _is_contractor(user):
        return _of_contractor(user, queryset, "contact_id")
    scope = client_scope(user)
    if scope is None:
        return queryset
    if scope.sees_company and scope.company_id is not None:
        return queryset.filter(company_id=scope.company_id)
    if scope.contact_id is None:
        return queryset.none()
    return queryset.filter(pk=scope.contact_id)


def companies_visible_to(user: User) -> QuerySet[Company]:
    """The companies `user` may see (and so name in a write)."""
    return _companies_for(user)


def contracts_visible_to(user: User) -> QuerySet[Contract]:
    """The contracts `user` may see (and so name in a write)."""
    return _of_own_company(user, Contract.objects.all())


def contacts_visible_to(user: User) -> QuerySet[Contact]:
    """The contacts `user` may see (all of them for staff)."""
    return _contacts_for(user)


def sites_visible_to(user: User) -> QuerySet[Site]:
    """The sites `user` may see (all of them for staff, their company's for a client)."""
    return _of_own_company(user, Site.objects.all(), "site_id")


def equipment_visible_to(user: User) -> QuerySet[Equipment]:
    """The equipment `user` may see (all of it for staff, their company's for a client)."""
    return _of_own_company(user, Equipment.objects.all(), "equipment_id")


def contact_list_for(
    user: User,
    *,
    company_id: int | None = None,
    email: str | None = None,
    phone: str | None = None,
    q: str | None = None,
    after_id: int | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[Contact]:
    queryset = _contacts_for(user)
    if company_id is not None:
        queryset = queryset.filter(company_id=company_id)
    if q and q.strip():
        text = q.strip()
        by_phone = Q(phone_normalized=_e164(text)) if _e164(text) else Q(pk__in=[])
        queryset = queryset.filter(_starts_with(text, "name", "email") | by_phone)
    if email:
        queryset = queryset.filter(email__iexact=email.strip())
    if phone:
        queryset = queryset.filter(phone_normalized=_e164(phone) or "-")
    return _page(queryset, after_id=after_id, limit=limit)


def contact_get_for(user: User, *, contact_id: int) -> Contact:
    return _get(_contacts_for(user), contact_id, "contact")


def _e164(raw: str) -> str:
    return phone_normalize(raw, region=settings.DESKLINE_PHONE_REGION)


def contact_find_by_phone(raw: str) -> QuerySet[Contact]:
    """Active contacts whose phone is `raw` however either was written (for channels: a caller
    id, a number shared in a messenger). Empty when `raw` is not a phone number."""
    number = _e164(raw)
    if not number:
        return Contact.objects.none()
    return Contact.objects.filter(phone_normalized=number, is_active=True).order_by("pk")


# Sites, equipment and contracts: a client sees those of their own company.


def site_list_for(
    user: User,
    *,
    company_id: int | None = None,
    q: str | None = None,
    after_id: int | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[Site]:
    queryset = _of_own_company(user, Site.objects.select_related("company"), "site_id")
    if company_id is not None:
        queryset = queryset.filter(company_id=company_id)
    if q and q.strip():
        queryset = queryset.filter(_starts_with(q.strip(), "name", "address"))
    return _page(queryset, after_id=after_id, limit=limit)


def site_get_for(user: User, *, site_id: int) -> Site:
    return _get(_of_own_company(user, Site.objects.all(), "site_id"), site_id, "site")


def _equipment_for(user: User) -> QuerySet[Equipment]:
    queryset = Equipment.objects.select_related("kind", "manufacturer", "model", "company", "site")
    return _of_own_company(user, queryset, "equipment_id")


def equipment_list_for(
    user: User,
    *,
    company_id: int | None = None,
    site_id: int | None = None,
    kind_id: int | None = None,
    serial_number: str | None = None,
    q: str | None = None,
    after_id: int | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[Equipment]:
    queryset = _equipment_for(user)
    if company_id is not None:
        queryset = queryset.filter(company_id=company_id)
    if site_id is not None:
        queryset = queryset.filter(site_id=site_id)
    if kind_id is not None:
        queryset = queryset.filter(kind_id=kind_id)
    if serial_number:
        queryset = queryset.filter(serial_number=serial_number.strip())
    if q and q.strip():
        queryset = queryset.filter(_starts_with(q.strip(), "serial_number", "inventory_number"))
    return _page(queryset, after_id=after_id, limit=limit)


def equipment_get_for(user: User, *, equipment_id: int) -> Equipment:
    return _get(_equipment_for(user), equipment_id, "equipment")


def _contracts_for(user: User) -> QuerySet[Contract]:
    # Only ids are shown for what a contract covers, so fetch nothing else of them.
    queryset = Contract.objects.select_related("company").prefetch_related(
        Prefetch("sites", queryset=Site.objects.only("pk").order_by("pk")),
        Prefetch("equipment", queryset=Equipment.objects.only("pk").order_by("pk")),
    )
    return _of_own_company(user, queryset)


def contract_list_for(
    user: User,
    *,
    company_id: int | None = None,
    active_on: dt.date | None = None,
    q: str | None = None,
    after_id: int | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[Contract]:
    queryset = _contracts_for(user)
    if company_id is not None:
        queryset = queryset.filter(company_id=company_id)
    if q and q.strip():
        queryset = queryset.filter(_starts_with(q.strip(), "number", "title"))
    if active_on is not None:
        queryset = queryset.filter(_live_on(active_on))
    return _page(queryset, after_id=after_id, limit=limit)


def contract_get_for(user: User, *, contract_id: int) -> Contract:
    return _get(_contracts_for(user), contract_id, "contract")


# Used by tickets when a ticket is written.


def contracts_live(*, company_id: int, day: dt.date) -> QuerySet[Contract]:
    return Contract.objects.filter(_live_on(day), company_id=company_id).order_by(
        "-starts_on", "id"
    )


def contract_covering(
    *, company_id: int, site_id: int | None, equipment_id: int | None, day: dt.date
) -> Contract | None:
    """The live contract that covers the equipment (or else the site) on `day`, if any."""
    live = contracts_live(company_id=company_id, day=day)
    if equipment_id is not None:
        return live.filter(equipment__id=equipment_id).first()
    if site_id is not None:
        return live.filter(Q(covers_all_sites=True) | Q(sites__id=site_id)).first()
    return live.first()


@dataclass(frozen=True)
class Coverage:
    """What a ticket's company, site and equipment would be covered by, for a form to show."""

    #: The company's contracts an agent may pick (newest first).
    contracts: list[Contract]
    #: The picked contract, when it belongs to the company; None means "find it automatically".
    chosen: Contract | None
    #: The contract the ticket would be under: the picked one, or the live one that covers it.
    covering: Contract | None
    #: Equipment is named but no contract covers it (the ticket is billable).
    not_covered: bool


COVERAGE_CHOICES = 50


def coverage_for(
    user: User,
    *,
    company_id: int | None,
    site_id: int | None,
    equipment_id: int | None,
    contract_id: int | None,
    day: dt.date,
) -> Coverage:
    """The coverage a ticket with these registry fields gets, as the ticket services decide it."""
    _staff_only(user)
    if company_id is None or _is_contractor(user):  # a contractor sees no contract
        return Coverage(contracts=[], chosen=None, covering=None, not_covered=False)
    of_company = Contract.objects.filter(company_id=company_id)
    contracts = list(of_company.order_by("-starts_on", "-id")[:COVERAGE_CHOICES])
    chosen = next((c for c in contracts if c.pk == contract_id), None)
    if chosen is None and contract_id is not None:
        chosen = of_company.filter(pk=contract_id).first()
    covering = chosen or contract_covering(
        company_id=company_id, site_id=site_id, equipment_id=equipment_id, day=day
    )
    return Coverage(
        contracts=contracts,
        chosen=chosen,
        covering=covering,
        not_covered=equipment_id is not None and covering is None,
    )


def contract_covered(contract: Contract, *, limit: int = 200) -> tuple[list[Site], list[Equipment]]:
    """The sites and equipment a contract (already visible to the reader) names, for its page."""
    sites = list(Site.objects.filter(contracts=contract).order_by("name", "pk")[:limit])
    equipment = list(
        Equipment.objects.filter(contracts=contract)
        .select_related("kind", "model", "site")
        .order_by("pk")[:limit]
    )
    return sites, equipment
