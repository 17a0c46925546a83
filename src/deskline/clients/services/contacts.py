"""Contacts and their portal logins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from deskline.accounts.models import Role, User
from deskline.clients.models import Company, Contact
from deskline.clients.phones import phone_normalize
from deskline.clients.services.common import (
    Unique,
    assign,
    clean_and_save,
    locked,
    save,
    updated,
)
from deskline.core.permissions import require_registry_writer
from deskline.core.records import invalid, ref

CONTACT_FIELDS = frozenset(
    {"company_id", "name", "email", "phone", "telegram", "position", "sees_company_tickets",
     "language", "is_active"}
)  # fmt: skip


@transaction.atomic
def contact_create(
    *,
    actor: User | None,
    company_id: int | None,
    name: str,
    email: str = "",
    phone: str = "",
    telegram: str = "",
    position: str = "",
    sees_company_tickets: bool = False,
    language: str = "en",
    is_active: bool = True,
) -> Contact:
    """A new contact. `actor` None is the system: a channel meeting an unknown sender."""
    if actor is not None:
        require_registry_writer(actor)
    values = {
        "company_id": company_id, "name": name, "email": email, "phone": phone,
        "telegram": telegram, "position": position, "language": language,
        "sees_company_tickets": sees_company_tickets, "is_active": is_active,
    }  # fmt: skip
    return _contact_apply(Contact(), values)


@transaction.atomic
def contact_update(*, actor: User, contact_id: int, changes: Mapping[str, Any]) -> Contact:
    return updated(actor, Contact, contact_id, changes, CONTACT_FIELDS, _contact_apply)


def _contact_apply(contact: Contact, values: Mapping[str, Any]) -> Contact:
    assign(contact, values, CONTACT_FIELDS - {"company_id"})
    contact_phone_index(contact)
    if "company_id" in values:
        contact.company = ref(Company, "company_id", values["company_id"])
    if contact.language not in dict(settings.LANGUAGES):
        raise invalid("language", f"one of {', '.join(dict(settings.LANGUAGES))}")
    clean_and_save(contact)
    if contact.user_id is not None and "email" in values:
        _login_follow_email(contact, contact.user_id)
    return contact


def contact_phone_index(contact: Contact) -> None:
    """Keep the contact's E.164 phone (what lookups compare) in step with what was typed."""
    contact.phone_normalized = phone_normalize(contact.phone, region=settings.DESKLINE_PHONE_REGION)


def _login_named(email: str, why: str = "already taken") -> Unique:
    """Portal logins are named by email, and no two logins share a name in any case."""
    return Unique("email", User.objects.filter(username__iexact=email), why)


def _login_follow_email(contact: Contact, user_id: int) -> None:
    """The portal login's username is the contact's email; keep them the same."""
    user = User.objects.select_for_update().get(pk=user_id)
    if user.username == contact.email:
        return
    if not contact.email:
        raise invalid("email", "a contact with a portal login needs an email")
    unique = _login_named(contact.email)
    unique.check(user)
    user.username = user.email = contact.email
    save(user, unique, update_fields=["username", "email"])


@transaction.atomic
def contact_portal_access_grant(*, actor: User, contact_id: int, password: str) -> Contact:
    """Give the contact a portal login: a User with role contact, named by the email."""
    require_registry_writer(actor)
    contact = locked(Contact, contact_id)
    if contact.user_id is not None:
        raise invalid("portal_access", "the contact already has a portal login")
    if not contact.email:
        raise invalid("email", "the contact needs an email to log in with")
    user = User(
        username=contact.email,
        email=contact.email,
        first_name=contact.name[:150],
        role=Role.CONTACT,
        language=contact.language,
    )
    unique = _login_named(contact.email, "a login with this email already exists")
    unique.check(user)
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise invalid("password", " ".join(exc.messages)) from exc
    user.set_password(password)
    try:
        user.full_clean(validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        raise invalid("email", "this email cannot be used as a login name") from exc
    save(user, unique)
    contact.user = user
    contact.save(update_fields=["user"])
    return contact
