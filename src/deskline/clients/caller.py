"""Caller search for the first line: one box finds who is on the phone (staff only).

The dispatcher types a phone number in any format, an e-mail, a name, a company name, an INN or
an equipment serial/inventory number; the answer is a short list of hits, each naming the
company, contact, site and equipment it stands for, so picking one fills the intake form.
The search costs a constant number of queries (contacts, companies, equipment) whatever the
input or the size of the registry; a phone number is one indexed equality on the E.164 form.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from deskline.accounts.models import User
from deskline.clients.models import Company, Contact, Equipment
from deskline.clients.phones import phone_digits, phone_normalize
from deskline.clients.selectors import is_registry_staff
from deskline.core.errors import PermissionDenied

#: Shorter input than this matches too much to be useful while typing.
MIN_QUERY = 2
DEFAULT_LIMIT = 10


@dataclass(frozen=True)
class CallerHit:
    """One way to read the input: who (contact), where (company, site) and what (equipment)."""

    kind: str  # "contact", "company" or "equipment"
    label: str
    company_id: int | None
    company_name: str
    contact_id: int | None = None
    contact_name: str = ""
    site_id: int | None = None
    equipment_id: int | None = None


def caller_search(*, user: User, query: str, limit: int = DEFAULT_LIMIT) -> list[CallerHit]:
    """Hits for `query`: contacts first, then companies, then equipment (3 queries at most)."""
    if not is_registry_staff(user):
        raise PermissionDenied("caller search is for staff only")
    text = (query or "").strip()
    if len(text) < MIN_QUERY:
        return []
    hits: list[CallerHit] = []
    hits += _contacts(text, limit)
    hits += _companies(text, limit)
    hits += _equipment(text, limit)
    return hits[: limit * 3]


def _contacts(text: str, limit: int) -> list[CallerHit]:
    number = phone_normalize(text, region=settings.DESKLINE_PHONE_REGION)
    if number:
        match = Q(phone_normalized=number)
    elif "@" in text:
        match = Q(email__iexact=text) | Q(email__istartswith=text)
    else:
        match = Q(name__icontains=text)
    rows = (
        Contact.objects.filter(match, is_active=True)
        .select_related("company")
        .order_by("pk")[:limit]
    )
    return [
        CallerHit(
            kind="contact",
            label=" · ".join(p for p in (c.name, c.phone or c.email) if p),
            company_id=c.company_id,
            company_name=c.company.name if c.company else "",
            contact_id=c.pk,
            contact_name=c.name,
        )
        for c in rows
    ]


def _companies(text: str, limit: int) -> list[CallerHit]:
    digits = phone_digits(text)
    match = Q(name__icontains=text)
    if digits and digits == text:
        match |= Q(tax_id=digits)
    rows = Company.objects.filter(match, is_active=True).order_by("pk")[:limit]
    return [
        CallerHit(kind="company", label=c.name, company_id=c.pk, company_name=c.name) for c in rows
    ]


def _equipment(text: str, limit: int) -> list[CallerHit]:
    rows = (
        Equipment.objects.filter(Q(serial_number__iexact=text) | Q(inventory_number__iexact=text))
        .select_related("company", "kind", "model")
        .order_by("pk")[:limit]
    )
    return [
        CallerHit(
            kind="equipment",
            label=str(e),
            company_id=e.company_id,
            company_name=e.company.name,
            site_id=e.site_id,
            equipment_id=e.pk,
        )
        for e in rows
    ]


def caller_by_number(number: str) -> Contact | None:
    """The active contact whose phone is `number` (any format), with the company; None when
    the number is unreadable or unknown. One indexed equality on the E.164 form."""
    normalized = phone_normalize(number, region=settings.DESKLINE_PHONE_REGION)
    if not normalized:
        return None
    return (
        Contact.objects.filter(phone_normalized=normalized, is_active=True)
        .select_related("company")
        .order_by("pk")
        .first()
    )
