"""What desk and portal pages share: file uploads, list filters of the registry pages, and (from
`accounts.pages`) who may open a page and in which time zone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import UploadedFile

from deskline.accounts.models import User
from deskline.accounts.pages import View, client_page, is_htmx, staff_page
from deskline.core.errors import DomainError, field_errors
from deskline.tickets.selectors import TicketFilters
from deskline.tickets.services import attachment_add

__all__ = ["View", "attach_files", "client_page", "field_errors", "is_htmx", "registry_filters",
           "staff_page"]  # fmt: skip


def attach_files(user: User, number: int, files: list[UploadedFile], **kwargs: Any) -> list[str]:
    """Attach each upload through the service; return one message per refused file."""
    errors = []
    for upload in files:
        try:
            attachment_add(
                actor=user,
                number=number,
                filename=upload.name or "file",
                content=upload,
                size=upload.size or 0,
                **kwargs,
            )
        except DomainError as exc:
            errors.append(f"{upload.name}: {field_errors(exc.fields) or exc.message}")
    return errors


_REGISTRY_FILTERS: dict[str, Callable[[int], TicketFilters]] = {
    "company": lambda pk: TicketFilters(company=[pk]),
    "contact": lambda pk: TicketFilters(contact=[pk]),
    "site": lambda pk: TicketFilters(site=[pk]),
    "equipment": lambda pk: TicketFilters(equipment=[pk]),
    "contract": lambda pk: TicketFilters(contract=[pk]),
}


def registry_filters(kind: str, pk: int) -> TicketFilters:
    """The list filter for the tickets of one company, contact, site, equipment or contract."""
    return _REGISTRY_FILTERS[kind](pk)
