"""Writing the demo's reference data, staff and client registry; reading them back as refs.

Reference rows are fetched or created by code or name, so a second run reuses them; companies
carry `registry.DEMO_MARK` in their notes, so a second run reuses those it finds.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password

from deskline.accounts.models import Role, Team, TeamMembership, User
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
from deskline.core import made_up_names as names
from deskline.core import refcache
from deskline.demo.catalog import COMPANY_CATEGORIES, EQUIPMENT_KINDS, TICKET_CATEGORIES
from deskline.demo.refs import TeamRef
from deskline.demo.registry import DEMO_MARK, CompanySpec, company_spec
from deskline.tickets.models import Category, Priority, Status, TicketType

TEAMS = (("1st line", 1, False), ("2nd line", 2, False), ("3rd line", 3, False))
CONTRACTOR_TEAM = "Contractor: LiftTech Service"
#: Which line the n-th agent joins: half the staff on the 1st line.
LINE_PATTERN = (1, 1, 2, 1, 3, 1, 2, 1, 1, 2)
REQUIRED = {
    "statuses": ("new", "in_progress", "waiting_client", "resolved", "closed"),
    "priorities": ("low", "normal", "high", "critical"),
    "types": ("incident", "service_request", "question", "planned_work"),
}


class DemoSetupError(Exception):
    """The database lacks what the demo builds on (e.g. the default statuses)."""


@dataclass
class Reference:
    company_categories: dict[str, int]
    kinds: dict[str, int]
    manufacturers: dict[str, int]
    models: dict[tuple[str, str], int]
    categories: dict[str, int]
    statuses: dict[str, tuple[int, str]]
    priorities: dict[str, tuple[int, int]]
    types: dict[str, int]


def password_hash(password: str | None) -> str:
    """One hash for every demo login (hashing thousands of times would take minutes)."""
    return make_password(password)  # None gives an unusable password


def ensure_reference() -> Reference:
    company_categories = {
        spec.code: CompanyCategory.objects.get_or_create(
            code=spec.code, defaults={"name": spec.name}
        )[0].pk
        for spec in COMPANY_CATEGORIES
    }
    kinds, manufacturers, models = {}, {}, {}
    for kind in EQUIPMENT_KINDS.values():
        kinds[kind.code] = EquipmentKind.objects.get_or_create(
            code=kind.code,
            defaults={"name": kind.name, "parameters": [p.definition() for p in kind.parameters]},
        )[0].pk
        for maker, model, _prefix in kind.models:
            if maker not in manufacturers:
                manufacturers[maker] = Manufacturer.objects.get_or_create(name=maker)[0].pk
            models[(maker, model)] = EquipmentModel.objects.get_or_create(
                manufacturer_id=manufacturers[maker],
                name=model,
                defaults={"kind_id": kinds[kind.code]},
            )[0].pk
    categories = {}
    for name in TICKET_CATEGORIES:
        row = Category.objects.filter(name=name, parent=None).first() or Category.objects.create(
            name=name
        )
        categories[name] = row.pk
    statuses = {s.code: (s.pk, s.phase) for s in Status.objects.all()}
    priorities = {p.code: (p.pk, p.weight) for p in Priority.objects.all()}
    types = {t.code: t.pk for t in TicketType.objects.all()}
    for label, found in (("statuses", statuses), ("priorities", priorities), ("types", types)):
        missing = [code for code in REQUIRED[label] if code not in found]
        if missing:
            raise DemoSetupError(
                f"the default ticket {label} {missing} are missing; run migrations"
            )
    return Reference(
        company_categories, kinds, manufacturers, models, categories, statuses, priorities, types
    )


def ensure_staff(
    rng: random.Random, *, agents: int, password_hash: str
) -> tuple[dict[int, TeamRef], dict[int, str]]:
    """Teams of the three lines and a contractor, with agents agent001… and contractor01…"""
    teams = {
        line: Team.objects.get_or_create(name=name, defaults={"line": line})[0]
        for name, line, _ in TEAMS
    }
    teams[0] = Team.objects.get_or_create(
        name=CONTRACTOR_TEAM, defaults={"line": 2, "is_contractor": True}
    )[0]
    wanted: list[tuple[str, Role, int]] = [
        (f"agent{n:03d}", Role.AGENT, LINE_PATTERN[(n - 1) % len(LINE_PATTERN)])
        for n in range(1, agents + 1)
    ]
    wanted += [
        (f"contractor{n:02d}", Role.CONTRACTOR, 0) for n in range(1, max(2, agents // 20) + 1)
    ]
    people = [names.person_name(rng, "ru" if rng.random() < 0.8 else "en") for _ in wanted]
    existing = set(
        User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", flat=True)
    )
    User.objects.bulk_create([
        User(
            username=username, first_name=names.split_name(person)[0], last_name=names.split_name(person)[1],
            email=f"{username}@deskline.example", role=role, password=password_hash,
            time_zone="Europe/Moscow", language="ru" if person[0] >= "А" else "en",
        )
        for (username, role, _), person in zip(wanted, people, strict=True)
        if username not in existing
    ])  # fmt: skip
    refcache.bump()  # bulk_create sends no signals: the pickers' cached staff must reload
    user_ids = dict(
        User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", "id")
    )
    TeamMembership.objects.bulk_create(
        [
            TeamMembership(team=teams[line], user_id=user_ids[username])
            for username, _, line in wanted
        ],
        ignore_conflicts=True,
    )
    members: dict[int, list[int]] = defaultdict(list)
    team_line = {team.pk: line for line, team in teams.items()}
    for team_id, user_id in TeamMembership.objects.filter(team__in=teams.values()).values_list(
        "team_id", "user_id"
    ):
        members[team_line[team_id]].append(user_id)
    for line, team in teams.items():
        if team.lead_id is None and members[line]:
            Team.objects.filter(pk=team.pk).update(lead_id=min(members[line]))
    staff_ids = [uid for ids in members.values() for uid in ids]
    staff_names = {
        pk: f"{first} {last}".strip() or username
        for pk, first, last, username in User.objects.filter(pk__in=staff_ids).values_list(
            "pk", "first_name", "last_name", "username"
        )
    }
    refs = {
        line: TeamRef(team.pk, team.line, team.is_contractor, tuple(sorted(members[line])))
        for line, team in teams.items()
    }
    return refs, staff_names


def ensure_companies(
    rng: random.Random,
    *,
    count: int,
    ref: Reference,
    today: dt.date,
    password_hash: str,
    managers: list[int],
) -> int:
    """Create demo companies until there are `count`; return how many were created."""
    existing = Company.objects.filter(notes=DEMO_MARK).count()
    missing = count - existing
    if missing <= 0:
        return 0
    used_names = set(Company.objects.values_list("name", flat=True))
    used_domains = set(
        Company.objects.filter(notes=DEMO_MARK).values_list("email_domains", flat=True)
    )
    specs = [
        company_spec(
            rng, today=today, serial=existing + n, used_names=used_names, used_domains=used_domains
        )
        for n in range(1, missing + 1)
    ]
    _create_companies(specs, ref, password_hash, managers)
    return missing


def _create_companies(
    specs: list[CompanySpec], ref: Reference, password_hash: str, managers: list[int]
) -> None:
    companies = Company.objects.bulk_create([
        Company(
            name=s.name, tax_id=s.tax_id, category_id=ref.company_categories[s.category],
            manager_id=managers[n % len(managers)] if managers and s.category == "vip" else None,
            email_domains=s.domain, notes=DEMO_MARK,
        )
        for n, s in enumerate(specs)
    ])  # fmt: skip
    _create_contacts(specs, [c.pk for c in companies], password_hash)
    sites = Site.objects.bulk_create([
        Site(company_id=company.pk, name=site.name, address=site.address, latitude=site.latitude,
             longitude=site.longitude, time_zone=site.time_zone)
        for spec, company in zip(specs, companies, strict=True) for site in spec.sites
    ])  # fmt: skip
    site_iter = iter(sites)
    equipment: list[Equipment] = []
    covered: list[bool] = []
    for spec, company in zip(specs, companies, strict=True):
        for site_spec in spec.sites:
            site = next(site_iter)
            for item in site_spec.equipment:
                covered.append(item.covered)
                equipment.append(Equipment(
                    company_id=company.pk, site_id=site.pk, kind_id=ref.kinds[item.kind],
                    manufacturer_id=ref.manufacturers[item.manufacturer],
                    model_id=ref.models[(item.manufacturer, item.model)], serial_number=item.serial,
                    inventory_number=item.inventory, parameters=item.parameters,
                    warranty_until=item.warranty_until, status=item.status,
                ))  # fmt: skip
    Equipment.objects.bulk_create(equipment)
    owned: dict[int, list[Equipment]] = defaultdict(list)
    for row, is_covered in zip(equipment, covered, strict=True):
        if is_covered:
            owned[row.company_id].append(row)
    _create_contracts(specs, companies, owned)


def _create_contacts(specs: list[CompanySpec], company_ids: list[int], password_hash: str) -> None:
    emails = [c.email for s in specs for c in s.contacts if c.portal]
    taken = set(User.objects.filter(username__in=emails).values_list("username", flat=True))
    logins: dict[str, User] = {}
    for spec in specs:
        for contact in spec.contacts:
            if contact.portal and contact.email not in taken and contact.email not in logins:
                first, last = names.split_name(contact.name)
                logins[contact.email] = User(
                    username=contact.email, email=contact.email, first_name=first, last_name=last,
                    role=Role.CONTACT, language=contact.language, password=password_hash,
                )  # fmt: skip
    User.objects.bulk_create(list(logins.values()))
    Contact.objects.bulk_create([
        Contact(
            company_id=company_id, name=c.name, email=c.email, phone=c.phone, position=c.position,
            phone_normalized=phone_normalize(c.phone, region=settings.DESKLINE_PHONE_REGION),
            user=logins.pop(c.email) if c.portal and c.email in logins else None,
            sees_company_tickets=c.sees_company_tickets, language=c.language,
        )
        for spec, company_id in zip(specs, company_ids, strict=True) for c in spec.contacts
    ])  # fmt: skip


def _create_contracts(
    specs: list[CompanySpec], companies: list[Company], covered: dict[int, list[Equipment]]
) -> None:
    """Contracts; the current one covers the company's covered equipment (and their sites)."""
    pairs = [
        (company, c) for spec, company in zip(specs, companies, strict=True) for c in spec.contracts
    ]
    contracts = Contract.objects.bulk_create([
        Contract(company_id=company.pk, number=c.number, title=c.title, starts_on=c.starts_on,
                 ends_on=c.ends_on, covers_all_sites=c.covers_all_sites, included_hours=c.included_hours)
        for company, c in pairs
    ])  # fmt: skip
    equipment_link, site_link = Contract.equipment.through, Contract.sites.through
    equipment_links, site_links = [], []
    for (company, spec), contract in zip(pairs, contracts, strict=True):
        if not spec.current:
            continue
        items = covered.get(company.pk, [])
        equipment_links += [
            equipment_link(contract_id=contract.pk, equipment_id=e.pk) for e in items
        ]
        if not spec.covers_all_sites:
            site_ids = sorted({e.site_id for e in items if e.site_id is not None})
            site_links += [
                site_link(contract_id=contract.pk, site_id=site_id) for site_id in site_ids
            ]
    equipment_link.objects.bulk_create(equipment_links)
    site_link.objects.bulk_create(site_links)


def demo_logins() -> list[tuple[str, str, str]]:
    """(role, login, where to sign in) for one demo login of each kind, to try the roles."""
    staff_page, portal = "/login/", "/portal/login/"  # the dispatcher and engineer: showcase.py
    found: list[tuple[str, str, str]] = []
    agent = (
        User.objects.filter(role=Role.AGENT, username__startswith="agent")
        .order_by("username")
        .first()
    )
    lead = Team.objects.filter(lead__isnull=False).select_related("lead").order_by("pk").first()
    contractor = User.objects.filter(role=Role.CONTRACTOR).order_by("username").first()
    dispatcher = User.objects.filter(username="dispatcher01", role=Role.DISPATCHER).first()
    engineer = User.objects.filter(username="engineer01", field_profile__isnull=False).first()
    for label, user, page in (
        ("agent", agent, staff_page), ("team lead", lead.lead if lead else None, staff_page),
        ("contractor", contractor, staff_page),
        ("dispatcher", dispatcher, f"{staff_page} (then /dispatch/)"),
        ("field engineer", engineer, f"{staff_page} (then /field/, on a phone)"),
    ):  # fmt: skip
        if user is not None:
            found.append((label, user.username, page))
    contacts = User.objects.filter(role=Role.CONTACT, contact__isnull=False).order_by("pk")[:2]
    found += [("portal contact", user.username, portal) for user in contacts]
    return found
