"""Create and edit the client registry from the desk (issue 14, item 4): companies, contacts,
sites, equipment and contracts, with the same rules as the API (the clients services decide;
only administrators, supervisors and dispatchers write).

A new contact, site, piece of equipment or contract belongs to a company: the page first asks
for it (a search box) unless the link already names it (`?company=`), as the company page does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Model
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deskline.accounts.models import User
from deskline.clients import services
from deskline.clients.models import Company
from deskline.clients.selectors import (
    company_get_for,
    contact_get_for,
    contract_get_for,
    equipment_get_for,
    site_get_for,
)
from deskline.core.errors import DomainError, PermissionDenied
from deskline.core.roles import REGISTRY_WRITER_ROLES
from deskline.desk.registry_forms import (
    CompanyForm,
    ContactForm,
    ContractForm,
    EquipmentForm,
    RegistryForm,
    SiteForm,
)
from deskline.desk.web import staff_page


@dataclass(frozen=True)
class Kind:
    form: type[RegistryForm]
    title_new: Any
    title_edit: Any
    url: str
    get: Callable[..., Any]
    create: Callable[..., Any]
    update: Callable[..., Any]
    #: The name of the row's id in the update service (`contact_id`).
    id_name: str


KINDS = {
    "company": Kind(CompanyForm, gettext_lazy("New company"), gettext_lazy("Edit company"),
                    "companies", lambda u, pk: company_get_for(u, company_id=pk),
                    services.company_create, services.company_update, "company_id"),
    "contact": Kind(ContactForm, gettext_lazy("New contact"), gettext_lazy("Edit contact"),
                    "contacts", lambda u, pk: contact_get_for(u, contact_id=pk),
                    services.contact_create, services.contact_update, "contact_id"),
    "site": Kind(SiteForm, gettext_lazy("New site"), gettext_lazy("Edit site"),
                 "sites", lambda u, pk: site_get_for(u, site_id=pk),
                 services.site_create, services.site_update, "site_id"),
    "equipment": Kind(EquipmentForm, gettext_lazy("New equipment"), gettext_lazy("Edit equipment"),
                      "equipment", lambda u, pk: equipment_get_for(u, equipment_id=pk),
                      services.equipment_create, services.equipment_update, "equipment_id"),
    "contract": Kind(ContractForm, gettext_lazy("New contract"), gettext_lazy("Edit contract"),
                     "contracts", lambda u, pk: contract_get_for(u, contract_id=pk),
                     services.contract_create, services.contract_update, "contract_id"),
}  # fmt: skip


def may_write_registry(user: User) -> bool:
    return user.is_superuser or user.role in REGISTRY_WRITER_ROLES


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _company(user: User, raw: str | None) -> Company | None:
    raw = (raw or "").strip()
    if not raw.isdigit():
        return None
    try:
        return company_get_for(user, company_id=int(raw))
    except DomainError as exc:
        raise Http404(exc.message) from exc


def _saved(request: HttpRequest, spec: Kind, row: Model) -> HttpResponse:
    messages.success(request, _("Saved."))
    return HttpResponseRedirect(f"/{spec.url}/{row.pk}/")


def _form_page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, "desk/registry_form.html", context, status=status)


@staff_page
def registry_new(request: HttpRequest, kind: str) -> HttpResponse:
    spec = KINDS[kind]
    user = _user(request)
    if not may_write_registry(user):
        return HttpResponseForbidden(
            _("Only administrators, supervisors and dispatchers may do this.")
        )
    source = request.POST if request.method == "POST" else request.GET
    company = _company(user, source.get("company")) if kind != "company" else None
    back = f"/companies/{company.pk}/" if company else f"/{spec.url}/"
    context: dict[str, Any] = {
        "kind": kind, "title": spec.title_new, "company": company, "back": back,
    }  # fmt: skip
    if kind != "company" and company is None and not source.get("no_company"):
        return _form_page(request, context | {"pick_company": True})
    form = spec.form(
        request.POST if request.method == "POST" else None,
        company_id=company.pk if company else None,
    )
    if request.method == "POST" and form.is_valid():
        owner = {"company_id": company.pk if company else None} if kind != "company" else {}
        try:
            row = spec.create(actor=user, **owner, **form.values())
        except PermissionDenied:
            return HttpResponseForbidden()
        except DomainError as exc:
            form.show_errors(exc.fields or {}, exc.message)
        else:
            return _saved(request, spec, row)
    status = 400 if form.is_bound and form.errors else 200
    return _form_page(request, context | {"form": form}, status)


@staff_page
def registry_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = KINDS[kind]
    user = _user(request)
    try:
        row = spec.get(user, pk)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    if not may_write_registry(user):
        return HttpResponseForbidden(
            _("Only administrators, supervisors and dispatchers may do this.")
        )
    company_id = row.pk if kind == "company" else row.company_id
    form = spec.form(
        request.POST if request.method == "POST" else None,
        initial=RegistryForm.initial_of(row),
        company_id=company_id,
    )
    if request.method == "POST" and form.is_valid():
        try:
            spec.update(actor=user, changes=form.values(), **{spec.id_name: pk})
        except PermissionDenied:
            return HttpResponseForbidden()
        except DomainError as exc:
            form.show_errors(exc.fields or {}, exc.message)
        else:
            return _saved(request, spec, row)
    back = f"/{spec.url}/{pk}/"
    context = {"kind": kind, "title": spec.title_edit, "form": form, "row": row, "back": back}
    return _form_page(request, context, 400 if form.is_bound and form.errors else 200)
