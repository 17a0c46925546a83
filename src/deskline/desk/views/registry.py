"""Registry pages for agents: a company, contact, site or piece of equipment, with its tickets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.clients.selectors import (
    company_get_for,
    contact_get_for,
    equipment_get_for,
    equipment_list_for,
    site_get_for,
    site_list_for,
)
from deskline.core.errors import DomainError
from deskline.desk.web import registry_filters
from deskline.tickets.selectors import ticket_list_for

PAGE_SIZE = 50


def _registry_page(
    request: HttpRequest,
    kind: str,
    title: Any,
    get: Callable[[User], Any],
    extra: Callable[[User, Any], dict[str, Any]] | None = None,
) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    try:
        row = get(user)
        page = ticket_list_for(
            user=user,
            filters=registry_filters(kind, row.pk),
            sort="-created",
            cursor=request.GET.get("cursor", ""),
            limit=PAGE_SIZE,
        )
    except DomainError as exc:
        raise Http404(exc.message) from exc
    context = {"kind": kind, "kind_label": title, "row": row, "page": page}
    if extra is not None:
        context |= extra(user, row)
    return render(request, "desk/registry.html", context)


def company_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _registry_page(
        request,
        "company",
        _("Company"),
        lambda user: company_get_for(user, company_id=pk),
        lambda user, row: {
            "sites": site_list_for(user, company_id=row.pk, limit=100).items,
            "equipment": equipment_list_for(user, company_id=row.pk, limit=100).items,
        },
    )


def contact_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _registry_page(
        request, "contact", _("Contact"), lambda user: contact_get_for(user, contact_id=pk)
    )


def site_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _registry_page(
        request,
        "site",
        _("Site"),
        lambda user: site_get_for(user, site_id=pk),
        lambda user, row: {
            "equipment": equipment_list_for(user, site_id=row.pk, limit=100).items,
        },
    )


def equipment_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _registry_page(
        request, "equipment", _("Equipment"), lambda user: equipment_get_for(user, equipment_id=pk)
    )
