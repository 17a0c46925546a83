"""Registry list pages of the desk (issue 14, item 4): companies, contacts, sites, equipment and
contracts, each with a search box and an optional company filter.

Reads go through the clients selectors, so the desk shows exactly what the API would:
keyset pagination by id (`?after=`), a constant number of queries per page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import User
from deskline.clients.selectors import (
    company_list_for,
    contact_list_for,
    contract_list_for,
    equipment_list_for,
    site_list_for,
)
from deskline.desk.views.registry_edit import may_write_registry
from deskline.desk.web import staff_page

#: kind -> (page title, search hint, the selector listing it)
LISTS: dict[str, tuple[Any, Any, Callable[..., Any]]] = {
    "company": (_("Companies"), _("Name"), company_list_for),
    "contact": (_("Contacts"), _("Name, e-mail or phone"), contact_list_for),
    "site": (_("Sites"), _("Name or address"), site_list_for),
    "equipment": (_("Equipment"), _("Serial or inventory number"), equipment_list_for),
    "contract": (_("Contracts"), _("Number or title"), contract_list_for),
}
URLS = {"company": "companies", "contact": "contacts", "site": "sites",
        "equipment": "equipment", "contract": "contracts"}  # fmt: skip


def _int(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isdigit() else None


@staff_page
def registry_list(request: HttpRequest, kind: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    title, hint, list_for = LISTS[kind]
    q = request.GET.get("q", "").strip()
    filters: dict[str, Any] = {"q": q or None, "after_id": _int(request.GET.get("after", ""))}
    company_id = _int(request.GET.get("company", "")) if kind != "company" else None
    if company_id is not None:
        filters["company_id"] = company_id
    page = list_for(user, **filters)
    context = {
        "nav": "companies",
        "kind": kind,
        "title": title,
        "hint": hint,
        "page": page,
        "q": q,
        "company_id": company_id,
        "url": URLS[kind],
        "tabs": [(k, LISTS[k][0], URLS[k]) for k in LISTS],
        "may_write": may_write_registry(user),
    }
    return render(request, "desk/registry_list.html", context)


def company_list(request: HttpRequest) -> HttpResponseBase:
    return registry_list(request, "company")
