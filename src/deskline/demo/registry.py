"""Plans of client companies: contacts, sites, equipment and contracts (pure values)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from deskline.core import made_up_names as names
from deskline.demo.catalog import (
    CITIES,
    COMPANY_CATEGORIES,
    COUNTRIES,
    EQUIPMENT_KINDS,
    RUSSIAN_SHARE,
    City,
    CompanyCategorySpec,
)

#: Written into Company.notes: how a later run finds the companies it can reuse.
DEMO_MARK = "Demo data (deskline demo)"

_RU_CITIES = tuple(c for c in CITIES if c.country == "RU")
_EU_CITIES = tuple(c for c in CITIES if c.country != "RU")
_SITE_NAMES = {
    "ru": {
        "vip": ("Головной офис", "Отделение № {n}", "Операционный офис «{street}»"),
        "retail": ("Магазин № {n}", "Гипермаркет «{city}»", "Супермаркет на {street}"),
        "healthcare": ("Клиника на {street}", "Диагностический центр № {n}", "Поликлиника № {n}"),
        "manufacturing": ("Производственная площадка № {n}", "Склад готовой продукции", "Цех № {n}"),
        "office": ("Офис «{city}»", "Бизнес-центр на {street}", "Офис продаж № {n}"),
    },
    "en": {
        "vip": ("Head office", "Branch {n}", "{city} operations centre"),
        "retail": ("Store #{n}", "{city} hypermarket", "{street} supermarket"),
        "healthcare": ("{street} clinic", "{city} diagnostic centre", "Outpatient clinic {n}"),
        "manufacturing": ("{city} plant", "Warehouse {n}", "Production hall {n}"),
        "office": ("{city} office", "{street} office", "Sales office {n}"),
    },
}  # fmt: skip


@dataclass
class EquipmentSpec:
    kind: str
    manufacturer: str
    model: str
    serial: str
    inventory: str
    parameters: dict[str, Any]
    warranty_until: dt.date | None
    status: str
    covered: bool  # by the company's current contract


@dataclass
class SiteSpec:
    name: str
    address: str
    latitude: float
    longitude: float
    time_zone: str
    equipment: list[EquipmentSpec] = field(default_factory=list)


@dataclass
class ContactSpec:
    name: str
    email: str
    phone: str
    position: str
    language: str
    portal: bool  # gets a portal login
    sees_company_tickets: bool


@dataclass
class ContractSpec:
    number: str
    title: str
    starts_on: dt.date
    ends_on: dt.date | None
    covers_all_sites: bool
    current: bool  # the live one that covers the `covered` equipment
    included_hours: int | None


@dataclass
class CompanySpec:
    name: str
    tax_id: str
    category: str
    country: str
    language: str
    domain: str
    contacts: list[ContactSpec]
    sites: list[SiteSpec]
    contracts: list[ContractSpec]


def company_count(tickets: int) -> int:
    """About one company per 500 tickets, at least 20, capped at a few thousand."""
    return max(20, min(3000, tickets // 500))


def agent_count(tickets: int) -> int:
    return max(8, min(240, tickets // 4000))


def _pick_category(rng: random.Random) -> CompanyCategorySpec:
    return rng.choices(COMPANY_CATEGORIES, weights=[c.share for c in COMPANY_CATEGORIES])[0]


def _unique(candidate: str, used: set[str], extra: str) -> str:
    name = candidate
    if name in used:
        name = f"{candidate} ({extra})"
    counter = 2
    while name in used:
        name, counter = f"{candidate} ({extra}, {counter})", counter + 1
    used.add(name)
    return name


def _unique_domain(base: str, tld: str, used: set[str]) -> str:
    domain, counter = f"{base}.{tld}", 2
    while domain in used:
        domain, counter = f"{base}{counter}.{tld}", counter + 1
    used.add(domain)
    return domain


def company_spec(
    rng: random.Random, *, today: dt.date, serial: int, used_names: set[str], used_domains: set[str]
) -> CompanySpec:
    """One client company with everything it owns; `serial` makes contract numbers unique."""
    category = _pick_category(rng)
    city = rng.choice(_RU_CITIES if rng.random() < RUSSIAN_SHARE else _EU_CITIES)
    country = COUNTRIES[city.country]
    form = rng.choice(
        country.legal_forms[:2] if category.code == "vip" else country.legal_forms[:1]
    )
    raw = names.company_name(
        rng, language=country.language, category=category.code, legal_form=form
    )
    name = _unique(raw, used_names, city.name)
    domain = _unique_domain(names.latin(names.company_core(raw)), country.tld, used_domains)
    tax_id = names.russian_inn(rng) if city.country == "RU" else names.vat_id(rng, city.country)
    low, high = category.sites
    sites = [_site_spec(rng, category, city, n) for n in range(1, rng.randint(low, high) + 1)]
    contacts = [_contact_spec(rng, country.language, country.phone_code, domain) for _ in sites]
    contacts += [_contact_spec(rng, country.language, country.phone_code, domain)]
    contracts = _contract_specs(rng, today, serial, country.language)
    for site in sites:
        site.equipment = _equipment_specs(rng, category, country.language, today)
    return CompanySpec(name, tax_id, category.code, city.country, country.language, domain,
                       contacts, sites, contracts)  # fmt: skip


def _site_spec(rng: random.Random, category: CompanyCategorySpec, home: City, n: int) -> SiteSpec:
    same_country = [c for c in CITIES if c.country == home.country]
    city = home if rng.random() < 0.7 else rng.choice(same_country)
    country = COUNTRIES[city.country]
    street = rng.choice(city.streets)
    template = rng.choice(_SITE_NAMES[country.language][category.code])
    name = template.format(n=n * rng.randint(1, 40), city=city.name, street=street)
    postcode = city.postcode + "".join(
        str(rng.randrange(10)) for _ in range(6 - len(city.postcode))
    )
    if city.country == "GB":
        postcode = f"{city.postcode} {rng.randrange(1, 10)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}"
    address = country.address.format(
        street=street, house=rng.randint(1, 180), postcode=postcode, city=city.name
    )
    return SiteSpec(
        name=name,
        address=address,
        latitude=round(city.latitude + rng.uniform(-0.06, 0.06), 6),
        longitude=round(city.longitude + rng.uniform(-0.09, 0.09), 6),
        time_zone=city.time_zone,
    )


def _contact_spec(rng: random.Random, language: str, phone_code: str, domain: str) -> ContactSpec:
    name = names.person_name(rng, language)
    return ContactSpec(
        name=name,
        email=f"{names.mailbox(name)}@{domain}",
        phone=names.phone(rng, phone_code),
        position=rng.choice(names.POSITIONS[language]),
        language=language,
        portal=rng.random() < 0.35,
        sees_company_tickets=rng.random() < 0.3,
    )


def _equipment_specs(
    rng: random.Random, category: CompanyCategorySpec, language: str, today: dt.date
) -> list[EquipmentSpec]:
    kinds = list(category.kinds)
    chosen = set(rng.choices(kinds, weights=list(category.kinds.values()), k=rng.randint(1, 3)))
    out: list[EquipmentSpec] = []
    for code in sorted(chosen):
        kind = EQUIPMENT_KINDS[code]
        manufacturer, model, prefix = rng.choice(kind.models)
        for _ in range(rng.randint(*kind.per_site)):
            installed = today - dt.timedelta(days=rng.randint(30, 2500))
            out.append(EquipmentSpec(
                kind=code,
                manufacturer=manufacturer,
                model=model,
                serial=f"{prefix}{rng.randrange(10**9):09d}",
                inventory=f"{'ИНВ' if language == 'ru' else 'INV'}-{rng.randrange(10**6):06d}",
                parameters={p.code: p.pick(rng) for p in kind.parameters},
                warranty_until=installed + dt.timedelta(days=rng.choice((365, 730, 1095))),
                status="in_repair" if rng.random() < 0.03 else "in_service",
                covered=rng.random() < 0.9,
            ))  # fmt: skip
    return out


def _contract_specs(
    rng: random.Random, today: dt.date, serial: int, language: str
) -> list[ContractSpec]:
    start = today - dt.timedelta(days=rng.randint(370, 900))
    prefix = "ДС" if language == "ru" else "SC"
    title = "Договор на сервисное обслуживание" if language == "ru" else "Service agreement"
    current = ContractSpec(
        number=f"{prefix}-{start:%y%m}/{serial:05d}",
        title=title,
        starts_on=start,
        ends_on=None if rng.random() < 0.4 else today + dt.timedelta(days=rng.randint(60, 700)),
        covers_all_sites=rng.random() < 0.5,
        current=True,
        included_hours=rng.choice((None, 20, 40, 80, 160)),
    )
    contracts = [current]
    if rng.random() < 0.3:
        old_start = start - dt.timedelta(days=365)
        contracts.append(ContractSpec(
            number=f"{prefix}-{old_start:%y%m}/{serial:05d}",
            title=title,
            starts_on=old_start,
            ends_on=start - dt.timedelta(days=1),
            covers_all_sites=True,
            current=False,
            included_hours=None,
        ))  # fmt: skip
    return contracts
