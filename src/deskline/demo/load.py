"""Reading the demo companies back from the database as plain refs for the ticket planner."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q

from deskline.clients.models import Company, Contact, Contract, Equipment, Site
from deskline.demo.compose import equipment_label
from deskline.demo.refs import CompanyRef, ContactRef, EquipmentRef, SiteRef
from deskline.demo.registry import DEMO_MARK


def load_companies(*, since: dt.date, today: dt.date) -> list[CompanyRef]:
    """Every demo company with contacts and sites; its current contract is live since `since`."""
    demo = Q(company__notes=DEMO_MARK)
    contacts: dict[int, list[ContactRef]] = defaultdict(list)
    for company_id, pk, user_id, name in (
        Contact.objects.filter(demo, is_active=True)
        .values_list("company_id", "pk", "user_id", "name")
        .order_by("pk")
    ):
        contacts[company_id].append(ContactRef(pk, user_id, name))
    sites: dict[int, dict[int, SiteRef]] = defaultdict(dict)
    for company_id, pk, name, address in (
        Site.objects.filter(demo).values_list("company_id", "pk", "name", "address").order_by("pk")
    ):
        sites[company_id][pk] = SiteRef(pk, name, address)
    contracts = _current_contracts(since, today)
    covered = set(
        Contract.equipment.through.objects.filter(
            contract_id__in=[c[0] for c in contracts.values()]
        ).values_list("equipment_id", flat=True)
    )
    contract_sites: dict[int, set[int]] = defaultdict(set)
    for contract_id, site_id in Contract.sites.through.objects.filter(
        contract_id__in=[c[0] for c in contracts.values()]
    ).values_list("contract_id", "site_id"):
        contract_sites[contract_id].add(site_id)
    equipment: dict[int, list[EquipmentRef]] = defaultdict(list)
    for company_id, pk, site_id, kind, maker, model, serial, inventory in (
        Equipment.objects.filter(demo, status=Equipment.Status.IN_SERVICE)
        .values_list(
            "company_id",
            "pk",
            "site_id",
            "kind__code",
            "manufacturer__name",
            "model__name",
            "serial_number",
            "inventory_number",
        )  # fmt: skip
        .order_by("pk")
    ):
        if site_id in sites[company_id]:
            label = equipment_label(maker or "", model or kind)
            equipment[company_id].append(
                EquipmentRef(pk, site_id, kind, label, serial, inventory, pk in covered)
            )
    out = []
    companies = Company.objects.filter(notes=DEMO_MARK, is_active=True).order_by("pk")
    for pk, category, tax_id in companies.values_list("pk", "category__code", "tax_id"):
        if not contacts[pk] or not sites[pk]:
            continue
        contract = contracts.get(pk)
        out.append(CompanyRef(
            id=pk,
            category=category or "office",
            language="ru" if tax_id.isdigit() else "en",  # Russian INNs are all digits
            contacts=tuple(contacts[pk]),
            sites=sites[pk],
            equipment=tuple(equipment[pk]),
            contract_id=contract[0] if contract else None,
            contract_site_ids=None if contract is None or contract[1] else frozenset(contract_sites[contract[0]]),
        ))  # fmt: skip
    return out


def _current_contracts(since: dt.date, today: dt.date) -> dict[int, tuple[int, bool]]:
    """Company id -> (contract id, covers all sites) of a contract live from `since` to today."""
    rows = (
        Contract.objects.filter(company__notes=DEMO_MARK, is_active=True, starts_on__lte=since)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .order_by("company_id", "-starts_on", "pk")
        .values_list("company_id", "pk", "covers_all_sites")
    )
    out: dict[int, tuple[int, bool]] = {}
    for company_id, pk, all_sites in rows:
        out.setdefault(company_id, (pk, all_sites))
    return out
