"""What every desk and portal page shares: who may open it, and the viewer's time zone."""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils import timezone

from deskline.accounts.models import Role, User
from deskline.core.errors import DomainError
from deskline.tickets.selectors import TicketFilters
from deskline.tickets.services import attachment_add

View = Callable[..., HttpResponseBase]


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _login_redirect(request: HttpRequest, login_url: str) -> HttpResponseBase:
    return HttpResponseRedirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")


def _in_viewer_zone(
    view: View, request: HttpRequest, *args: Any, **kwargs: Any
) -> HttpResponseBase:
    user = request.user
    assert isinstance(user, User)
    timezone.activate(_zone(user.time_zone))
    try:
        return view(request, *args, **kwargs)
    finally:
        timezone.deactivate()


def staff_page(view: View) -> View:
    """A desk page: staff only (clients go to the portal), in the viewer's time zone."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return _login_redirect(request, "/login/")
        assert isinstance(user, User)
        if user.role == Role.CONTACT:
            return HttpResponseRedirect("/portal/")
        return _in_viewer_zone(view, request, *args, **kwargs)

    return wrapper


def client_page(view: View) -> View:
    """A portal page: client contacts only (staff go to the desk), in the viewer's time zone."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return _login_redirect(request, "/portal/login/")
        assert isinstance(user, User)
        if user.role != Role.CONTACT:
            return HttpResponseRedirect("/")
        return _in_viewer_zone(view, request, *args, **kwargs)

    return wrapper


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def field_errors(fields: dict[str, str]) -> str:
    return "; ".join(f"{name}: {message}" for name, message in fields.items())


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
