"""Benchmark of routing: tickets routed and assigned per second, and what rules add to creation.

It builds a fresh database with 200 rules (4 first-match rule sets of 50) and 50 agents in 5
teams (least-loaded), then creates tickets through `ticket_create` in-process:

1. with the rules and the teams' strategy: every ticket is matched, routed and assigned;
2. without them (rule sets and strategies switched off): the same tickets, plain creation;

and prints tickets/s, ms per ticket, SQL queries per ticket, and the pure rule evaluation alone.

    python bench/routing.py                                  # PostgreSQL (default)
    python bench/routing.py --database-url sqlite --tickets 500

Nothing here is part of the test suite; it only prints figures.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/deskline_bench_routing"
KINDS = ["kkt", "printer", "scanner", "pos", "server", "router", "ups", "scale"]
CATEGORIES = ["retail", "vip", "horeca", "bank", "pharmacy"]
WORDS = ["paper", "network", "power", "display", "update", "receipt", "login", "noise"]


def _setup(database_url: str) -> None:
    if database_url == "sqlite":
        data_dir = tempfile.mkdtemp(prefix="deskline-bench-")
        os.environ.pop("DATABASE_URL", None)
        os.environ["DESKLINE_DATA_DIR"] = data_dir
    else:
        parsed = urlparse(database_url)
        import psycopg

        with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
            name = parsed.path.lstrip("/")
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "deskline.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _seed(rng: random.Random) -> tuple[object, list[dict[str, int]]]:
    from deskline.accounts.models import Role, Team, TeamMembership, User
    from deskline.clients.models import Company, CompanyCategory, Equipment, EquipmentKind, Site
    from deskline.routing.models import Rule, RuleSet, TeamRouting
    from deskline.tickets.models import Priority

    admin = User.objects.create(username="bench-admin", role=Role.ADMIN, is_superuser=True)
    teams = [Team.objects.create(name=f"Team {i}", line=1 + i % 3) for i in range(5)]
    for i in range(50):
        user = User.objects.create(username=f"agent{i}", role=Role.AGENT)
        TeamMembership.objects.create(team=teams[i % 5], user=user)
    for team in teams:
        TeamRouting.objects.create(team=team, strategy="least_loaded")
    categories = [CompanyCategory.objects.create(code=c, name=c) for c in CATEGORIES]
    kinds = [EquipmentKind.objects.create(code=k, name=k) for k in KINDS]
    priorities = list(Priority.objects.values_list("pk", flat=True))
    fixtures = []
    for i in range(40):
        company = Company.objects.create(name=f"Company {i}", category=categories[i % 5])
        site = Site.objects.create(company=company, name=f"Site {i}")
        for kind in kinds:
            equipment = Equipment.objects.create(company=company, site=site, kind=kind)
            fixtures.append({"company_id": company.pk, "equipment_id": equipment.pk})
    for s in range(4):
        rule_set = RuleSet.objects.create(name=f"Set {s}", order=s)
        for r in range(50):
            Rule.objects.create(
                rule_set=rule_set,
                name=f"rule {s}.{r}",
                order=r,
                conditions=[
                    {"field": "company_category", "op": "eq", "value": CATEGORIES[r % 5]},
                    {"field": "equipment_kind", "op": "in", "value": [KINDS[r % 8], KINDS[(r + s) % 8]]},
                    {"any": [
                        {"field": "text", "op": "contains", "value": [WORDS[r % 8], WORDS[s]]},
                        {"field": "text", "op": "regex", "value": rf"\b{WORDS[(r + 3) % 8]}\b"},
                    ]},
                ],
                actions={"team_id": teams[(r + s) % 5].pk, "priority_id": rng.choice(priorities),
                         "tags": [f"t{s}", KINDS[r % 8]]},
            )  # fmt: skip
    return admin, fixtures


def _create(admin: object, fixtures: list[dict[str, int]], n: int, rng: random.Random) -> float:
    from deskline.tickets.services import ticket_create

    started = time.perf_counter()
    for i in range(n):
        words = rng.sample(WORDS, 3)
        where = rng.choice(fixtures)
        ticket_create(
            actor=admin,  # type: ignore[arg-type]
            title=f"{words[0]} problem {i}",
            description=f"The {words[1]} and the {words[2]} fail.",
            company_id=where["company_id"],
            equipment_id=where["equipment_id"],
        )
    return time.perf_counter() - started


def _queries_per_ticket(admin: object, fixtures: list[dict[str, int]]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _create(admin, fixtures, 1, random.Random(7))
    return len(captured.captured_queries)


def _pure(n: int, rng: random.Random) -> float:
    from deskline.routing.matching import decide
    from deskline.routing.selectors import active_rule_sets
    from deskline.tickets.facts import ticket_facts
    from deskline.tickets.models import Ticket

    rule_sets = active_rule_sets()
    facts = [ticket_facts(t) for t in Ticket.objects.select_related(
        "company__category", "equipment__kind", "type", "priority", "status", "site", "team",
        "category")[:200]]  # fmt: skip
    started = time.perf_counter()
    for i in range(n):
        decide(rule_sets, facts[i % len(facts)])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help='a PostgreSQL URL or "sqlite"')
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument(
        "--without-sla-hook", action="store_true", help="measure routing without the SLA hook"
    )
    args = parser.parse_args()
    _setup(args.database_url)
    if args.without_sla_hook:
        from deskline.tickets.deciders import remove_decider, remove_deriver
        from deskline.tickets.observers import remove_observer

        remove_decider("sla")
        remove_deriver("sla")
        remove_observer("sla")
    from django.utils import timezone

    from deskline.routing.models import RuleSet, TeamRouting
    from deskline.tickets.models import Ticket

    rng = random.Random(42)
    admin, fixtures = _seed(rng)
    _create(admin, fixtures, 20, rng)  # warm-up
    routed_queries = _queries_per_ticket(admin, fixtures)
    before = Ticket.objects.count()
    with_rules = _create(admin, fixtures, args.tickets, rng)
    made = Ticket.objects.order_by("-pk")[: args.tickets]
    assigned = sum(1 for t in made if t.assignee_id is not None)
    routed = Ticket.objects.filter(
        pk__gt=before, events__kind="created", events__data__decisions__has_key="routing"
    ).count()
    pure = _pure(args.tickets, rng)
    RuleSet.objects.update(is_active=False, updated_at=timezone.now())
    TeamRouting.objects.update(strategy="manual")
    plain_queries = _queries_per_ticket(admin, fixtures)
    without = _create(admin, fixtures, args.tickets, rng)

    n = args.tickets
    vendor = "sqlite" if args.database_url == "sqlite" else "postgresql"
    print(f"routing bench: {vendor}, 200 rules in 4 first-match sets, 50 agents in 5 teams")
    print(f"  tickets: {n}; routed {routed}, assigned {assigned}")
    print(f"  with rules + assignment : {n / with_rules:8.1f} tickets/s  "
          f"{1000 * with_rules / n:6.2f} ms/ticket  {routed_queries} queries/ticket")  # fmt: skip
    print(f"  without rules           : {n / without:8.1f} tickets/s  "
          f"{1000 * without / n:6.2f} ms/ticket  {plain_queries} queries/ticket")  # fmt: skip
    print(f"  added by routing        : {1000 * (with_rules - without) / n:6.2f} ms/ticket")
    print(f"  pure rule evaluation    : {n / pure:8.0f} decisions/s "
          f"({1e6 * pure / n:.0f} us per ticket over 200 rules)")  # fmt: skip
    flag = " --without-sla-hook" if args.without_sla_hook else ""
    print(f"  SLA hook: {'off' if flag else 'on'}")
    print(
        f"  command: python bench/routing.py --database-url {args.database_url} --tickets {n}{flag}"
    )


if __name__ == "__main__":
    main()
