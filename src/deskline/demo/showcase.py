"""The demo's working data for field service, billing, knowledge and planned maintenance.

A new user who runs `deskline demo` should find every part of the product with something in
it: a dispatcher and field engineers based in the city with the most client sites, open tickets
of an "on-site visit" type waiting on the dispatch board and today's visits planned on it, a
catalogue with the default price list and hour packages on a few contracts (their clients see
prices in the portal), published knowledge articles in English and Russian, and a monthly
maintenance plan. It is small and the same size whatever `--tickets` asks (a showcase, not
load); everything is found or created, so a second run adds nothing.

Settings go through the apps' services (prices, articles, plans), as an administrator's would,
so versions and billing events are recorded as in real use; tickets and visits are written as
rows like the rest of the demo's history, so nothing queues a notice to a client address.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from deskline.accounts.models import Team, TeamMembership, User
from deskline.accounts.system import system_user
from deskline.billing.models import CatalogItem, CompanyBilling, ItemKind, PriceList
from deskline.billing.services import catalog_item_create, price_list_create, price_set
from deskline.clients.models import Contract, Equipment, Site
from deskline.core import made_up_names as names
from deskline.core.roles import Role
from deskline.demo.registry import DEMO_MARK
from deskline.fieldwork.maintenance_models import MaintenancePlan, PlanScope
from deskline.fieldwork.maintenance_services import plan_create
from deskline.fieldwork.visit_models import EngineerProfile, Visit
from deskline.knowledge.article_models import Article, ArticleAudience, ArticleState
from deskline.knowledge.article_services import article_create
from deskline.tickets.models import OPEN_PHASES, Ticket, TicketType

FIELD_TEAM = "Field engineers"
VISIT_TYPE = "site_visit"
DISPATCHER = "dispatcher01"
ENGINEERS = ("engineer01", "engineer02", "engineer03", "engineer04")
#: Open tickets moved to the visit type; up to PLANNED of them (two thirds at most) get today's
#: visits, the others wait on the dispatch board.
FIELD_TICKETS, PLANNED = 14, 8
VISIT_MINUTES = 90
PACKAGE_HOURS = Decimal(10)
PACKAGE_CONTRACTS = 3

#: (code, kind, unit, name, Russian name, price in RUB with VAT)
CATALOGUE = (
    ("DEMO-HOUR", ItemKind.HOUR, "h", "Engineer's work", "Работа инженера", Decimal("3500.00")),
    ("DEMO-CALLOUT", ItemKind.FIXED, "pcs", "Call-out within the city", "Выезд инженера по городу",
     Decimal("2500.00")),
    ("DEMO-FN", ItemKind.UNIT, "pcs", "Fiscal storage replacement", "Замена фискального накопителя",
     Decimal("1800.00")),
    ("DEMO-PAPER", ItemKind.MATERIAL, "roll", "Receipt paper roll 57 mm", "Чековая лента 57 мм",
     Decimal("45.00")),
    ("DEMO-FREON", ItemKind.MATERIAL, "kg", "Refrigerant R404A", "Хладагент R404A",
     Decimal("2900.00")),
)  # fmt: skip

#: (title, body) in English and its Russian translation.
ARTICLES = (
    (
        ("How to replace the receipt paper roll",
         "1. Open the printer cover.\n2. Take out the empty core.\n3. Put the new roll in with the "
         "paper coming from below.\n4. Pull out a few centimetres and close the cover.\n\n"
         "If the printer still says *paper out*, switch the register off and on."),
        ("Как заменить чековую ленту",
         "1. Откройте крышку принтера.\n2. Выньте пустую втулку.\n3. Вставьте новый рулон так, "
         "чтобы лента шла снизу.\n4. Вытяните несколько сантиметров и закройте крышку.\n\n"
         "Если принтер по-прежнему пишет *нет бумаги*, выключите и включите кассу."),
    ),
    (
        ("The refrigerated display is warm: what to check first",
         "- Is the door closed and the seal intact?\n- Is the condenser grille free of dust and "
         "boxes?\n- Does the display show an alarm code? Write it down for the engineer.\n\n"
         "Move perishable goods to another cabinet and open a request with the code."),
        ("Холодильная витрина не холодит: что проверить",
         "- Закрыта ли дверь, цел ли уплотнитель?\n- Не закрыта ли решётка конденсатора пылью или "
         "коробками?\n- Есть ли на дисплее код аварии? Запишите его для инженера.\n\n"
         "Переложите скоропортящиеся товары и оставьте заявку с кодом аварии."),
    ),
    (
        ("Someone is stuck in the lift",
         "Call the lift's emergency line first, then open an urgent request with the building's "
         "address and the lift number. Do not try to open the doors yourself."),
        ("В лифте застрял человек",
         "Сначала позвоните по аварийному номеру лифта, затем оставьте срочную заявку с адресом "
         "и номером лифта. Не пытайтесь открыть двери самостоятельно."),
    ),
)  # fmt: skip


@dataclass
class ShowcaseSummary:
    engineers: int = 0
    waiting: int = 0
    visits: int = 0
    prices: int = 0
    packages: int = 0
    articles: int = 0
    plans: int = 0


@transaction.atomic
def showcase_ensure(*, seed: int, now: dt.datetime, password_hash: str) -> ShowcaseSummary:
    """Create what is missing of the showcase (nothing when a previous run made it all)."""
    rng = random.Random(f"{seed}/showcase")  # noqa: S311 - demo data, not secrets
    admin = system_user("import")
    summary = ShowcaseSummary()
    sites = _busiest_city_sites()
    if sites:
        dispatcher, engineers, team = _field_staff(rng, sites, password_hash)
        summary.engineers = len(engineers)
        visit_type = _visit_type()
        tickets = _field_tickets(sites, team, visit_type)
        summary.waiting = len(tickets)
        summary.visits = _plan_today(dispatcher, engineers, tickets, now)
        summary.plans = _maintenance_plan(admin, sites, team, visit_type, now)
    summary.prices = _price_list(admin, now)
    summary.packages = _hour_packages()
    summary.articles = _articles(admin)
    return summary


def _busiest_city_sites() -> list[Site]:
    """The demo sites around the city with the most open tickets (sites sit within ~10 km of
    their city's centre, so rounding to half a degree groups them by city)."""
    rows = list(
        Site.objects.filter(
            company__notes=DEMO_MARK, latitude__isnull=False, longitude__isnull=False
        )
        .order_by("pk")
        .values_list("pk", "latitude", "longitude")
    )
    cell_of = {pk: (round(float(la or 0) * 2), round(float(lo or 0) * 2)) for pk, la, lo in rows}
    open_sites = Ticket.objects.filter(site_id__in=cell_of, phase__in=OPEN_PHASES).values_list(
        "site_id", flat=True
    )
    busiest = Counter(cell_of[pk] for pk in open_sites).most_common(1)
    if not busiest:
        return []
    ids = [pk for pk, cell in cell_of.items() if cell == busiest[0][0]]
    return list(Site.objects.filter(pk__in=ids).order_by("pk"))


def _field_staff(
    rng: random.Random, sites: list[Site], password_hash: str
) -> tuple[User, list[User], Team]:
    team = Team.objects.get_or_create(name=FIELD_TEAM, defaults={"line": 2})[0]
    latitude = sum(s.latitude for s in sites if s.latitude) / len(sites)
    longitude = sum(s.longitude for s in sites if s.longitude) / len(sites)
    zone = sites[0].time_zone or "Europe/Moscow"
    people = {}
    for username, role in [(DISPATCHER, Role.DISPATCHER)] + [(e, Role.AGENT) for e in ENGINEERS]:
        first, last = names.split_name(names.person_name(rng, "ru"))
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create(
                username=username, first_name=first, last_name=last, role=role,
                email=f"{username}@deskline.example", password=password_hash, time_zone=zone,
                language="ru",
            )  # fmt: skip
        people[username] = user
    engineers = [people[e] for e in ENGINEERS]
    for user in engineers:
        TeamMembership.objects.get_or_create(team=team, user=user)
        EngineerProfile.objects.get_or_create(
            user=user,
            defaults={
                "home_latitude": round(Decimal(latitude), 6),
                "home_longitude": round(Decimal(longitude), 6),
                "day_start": dt.time(8),
                "day_end": dt.time(19),
                "weekdays": [0, 1, 2, 3, 4, 5, 6],  # a showcase: visits on any day it is run
                "time_zone": zone,
            },
        )
    if team.lead_id is None:
        Team.objects.filter(pk=team.pk).update(lead=engineers[0])
    return people[DISPATCHER], engineers, team


def _visit_type() -> TicketType:
    kind, _ = TicketType.objects.get_or_create(
        code=VISIT_TYPE, defaults={"name": "On-site visit", "needs_visit": True}
    )
    return kind


def _field_tickets(sites: list[Site], team: Team, visit_type: TicketType) -> list[Ticket]:
    """The city's newest open tickets, made visit tickets of the field team (once)."""
    chosen = list(
        Ticket.objects.filter(type=visit_type, site__in=sites)
        .select_related("site")
        .order_by("number")
    )
    if chosen:
        return chosen
    numbers = list(
        Ticket.objects.filter(site__in=sites, phase__in=OPEN_PHASES)
        .order_by("-number")
        .values_list("number", flat=True)[:FIELD_TICKETS]
    )
    Ticket.objects.filter(number__in=numbers).update(type=visit_type, team=team, assignee=None)
    return list(Ticket.objects.filter(number__in=numbers).select_related("site").order_by("number"))


def _plan_today(
    dispatcher: User, engineers: list[User], tickets: list[Ticket], now: dt.datetime
) -> int:
    """Today's visits, from 9:00 in the engineers' time zone, every engineer in turn (once).

    Written as rows, like the rest of the demo's history: planning through the service would
    queue notices to the demo's (made-up but real-looking) client addresses."""
    if Visit.objects.filter(created_by=dispatcher).exists():
        return Visit.objects.filter(created_by=dispatcher).count()
    zone = zoneinfo.ZoneInfo(EngineerProfile.objects.get(user=engineers[0]).time_zone)
    day = now.astimezone(zone).date()
    planned = tickets[: min(PLANNED, len(tickets) * 2 // 3)]  # the rest wait on the board
    for index, ticket in enumerate(planned):
        assert ticket.site is not None  # chosen by their sites
        start = dt.datetime.combine(day, dt.time(9), zone) + dt.timedelta(
            hours=3 * (index // len(engineers))
        )
        visit = Visit.objects.create(
            ticket=ticket, site=ticket.site, created_by=dispatcher, planned_start=start,
            planned_end=start + dt.timedelta(minutes=VISIT_MINUTES),
        )  # fmt: skip
        visit.engineers.set([engineers[index % len(engineers)]])
    return len(planned)


def _maintenance_plan(
    admin: User, sites: list[Site], team: Team, visit_type: TicketType, now: dt.datetime
) -> int:
    """A monthly check of one piece of equipment in the city (once)."""
    if MaintenancePlan.objects.filter(name__startswith="Demo:").exists():
        return MaintenancePlan.objects.filter(name__startswith="Demo:").count()
    equipment = Equipment.objects.filter(site__in=sites).order_by("pk").first()
    if equipment is None:
        return 0
    today = now.date()
    plan_create(actor=admin, values={
        "name": f"Demo: monthly check of {equipment}", "scope": PlanScope.EQUIPMENT,
        "equipment_id": equipment.pk, "rule": "FREQ=MONTHLY",
        "starts_on": today.replace(day=1), "lead_days": 7,
        "title": f"Monthly preventive maintenance: {equipment}",
        "description": "Clean, check the settings and the logs, record the counters.",
        "ticket_type_id": visit_type.pk, "team_id": team.pk,
    })  # fmt: skip
    return 1


def _price_list(admin: User, now: dt.datetime) -> int:
    """The catalogue and the default price list in roubles, prices with VAT (once)."""
    items = {}
    for code, kind, unit, name, name_ru, _ in CATALOGUE:
        item = CatalogItem.objects.filter(code=code).first()
        items[code] = item or catalog_item_create(
            actor=admin, kind=kind, code=code, name=name, name_ru=name_ru, unit=unit,
            vat_rate=Decimal(20),
        )  # fmt: skip
    price_list = PriceList.objects.filter(
        name="Standard prices", company=None, contract=None
    ).first() or price_list_create(
        actor=admin, name="Standard prices", currency="RUB", prices_include_vat=True,
        valid_from=now.date().replace(month=1, day=1),
    )  # fmt: skip
    if not price_list.prices.exists():
        for code, *_, amount in CATALOGUE:
            price_set(actor=admin, price_list_id=price_list.pk, item_id=items[code].pk,
                      amount=amount)  # fmt: skip
    return price_list.prices.count()


def _hour_packages() -> int:
    """Ten included hours a month on a few current contracts; their clients see prices."""
    contracts = list(
        Contract.objects.filter(
            company__notes=DEMO_MARK, is_active=True, ends_on__isnull=True
        ).order_by("pk")[:PACKAGE_CONTRACTS]
    )
    for contract in contracts:
        if contract.included_hours is None:
            Contract.objects.filter(pk=contract.pk).update(included_hours=PACKAGE_HOURS)
        billing, _ = CompanyBilling.objects.get_or_create(company_id=contract.company_id)
        if not billing.sees_prices:
            CompanyBilling.objects.filter(pk=billing.pk).update(sees_prices=True)
    return len(contracts)


def _articles(admin: User) -> int:
    """Published public articles, each with its Russian translation (once)."""
    made = 0
    for (title, body), (title_ru, body_ru) in ARTICLES:
        original = Article.objects.filter(title=title).first()
        if original is None:
            original = article_create(actor=admin, title=title, body=body, language="en",
                                      audience=ArticleAudience.PUBLIC,
                                      state=ArticleState.PUBLISHED)  # fmt: skip
        if not Article.objects.filter(title=title_ru).exists():
            article_create(actor=admin, title=title_ru, body=body_ru, language="ru",
                           audience=ArticleAudience.PUBLIC, state=ArticleState.PUBLISHED,
                           translation_of_id=original.pk)  # fmt: skip
        made += 2
    return made
