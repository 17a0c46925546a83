"""Registry pages for agents: a company, contact, site or piece of equipment, with its tickets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.clients.selectors import (
    company_get_for,
    contact_get_for,
    contact_list_for,
    contract_covered,
    contract_get_for,
    contract_list_for,
    equipment_get_for,
    equipment_list_for,
    site_get_for,
    site_list_for,
)
from deskline.core.errors import DomainError
from deskline.core.permissions import handles_invoices
from deskline.desk.views.registry_edit import may_write_registry
from deskline.desk.web import registry_filters
from deskline.fieldwork.maintenance_selectors import next_maintenance, plan_list_for
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
    context = {
        "kind": kind,
        "kind_label": title,
        "row": row,
        "page": page,
        "may_write": may_write_registry(user),
        "edit_url": f"{request.path.rstrip('/')}/edit/",
    }
    if extra is not None:
        context |= extra(user, row)
    return render(request, "desk/registry.html", context)


def _plans(user: User, **scope: int) -> list[tuple[Any, Any]]:
    """The maintenance plans of a site, an item or a contract, each with its next date."""
    today = timezone.localdate()
    plans = plan_list_for(user, today=today, limit=50, **scope)
    return [(plan, next_maintenance(plan, today=today)) for plan in plans]


def company_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _registry_page(
        request,
        "company",
        _("Company"),
        lambda user: company_get_for(user, company_id=pk),
        lambda user, row: {
            "sites": site_list_for(user, company_id=row.pk, limit=100),
            "equipment": equipment_list_for(user, company_id=row.pk, limit=100),
            "contacts": contact_list_for(user, company_id=row.pk, limit=100),
            "contracts": contract_list_for(user, company_id=row.pk, limit=100),
            "may_see_balance": handles_invoices(user),
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
            "equipment": equipment_list_for(user, site_id=row.pk, limit=100),
            "plans": _plans(user, site_id=row.pk),
        },
    )


def equipment_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _registry_page(
        request,
        "equipment",
        _("Equipment"),
        lambda user: equipment_get_for(user, equipment_id=pk),
        lambda user, row: {"plans": _plans(user, equipment_id=row.pk)},
    )


def _contract_extra(user: User, row: Any) -> dict[str, Any]:
    sites, equipment = contract_covered(row)
    return {"covered_sites": sites, "covered_equipment": equipment,
            "plans": _plans(user, contract_id=row.pk)}  # fmt: skip


def contract_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _registry_page(
        request,
        "contract",
        _("Contract"),
        lambda user: contract_get_for(user, contract_id=pk),
        _contract_extra,
    )
