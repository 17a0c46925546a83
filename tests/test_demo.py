"""Demo data: the pure planners (no database) and `deskline demo` end to end."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import random
import re
import threading
import time
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from deskline.accounts.models import Team, User
from deskline.cli import main
from deskline.clients.models import Company, CompanyCategory, Equipment, EquipmentKind, Site
from deskline.clients.parameters import clean_parameters, parse_definitions
from deskline.core import made_up_names as names
from deskline.demo.generate import BackgroundWriter, batch_sizes
from deskline.demo.lifecycle import TicketPlan, creation_times, plan_ticket
from deskline.demo.refs import CompanyRef, ContactRef, EquipmentRef, Refs, SiteRef, TeamRef
from deskline.demo.registry import company_spec
from deskline.demo.writer import Written
from deskline.sla import resolve
from deskline.sla.engine import due_dates
from deskline.sla.models import TicketSla
from deskline.tickets.models import OPEN_PHASES, Comment, Ticket, TicketEvent
from deskline.tickets.search import filter_by_text
from deskline.tickets.services import ticket_create
from tests.servers import postgresql_only

NOW = dt.datetime(2025, 6, 2, 12, 0, tzinfo=dt.UTC)
_defaults = importlib.import_module("deskline.tickets.migrations.0002_search_numbering_defaults")
ALLOWED = {(source, target) for source, target, *_ in _defaults.TRANSITIONS}
PHASES = {code: phase for code, _n, _r, phase, *_ in _defaults.STATUSES}


def fake_refs() -> Refs:
    """Refs with made-up ids: enough for the planner, no database."""
    sites = {
        10: SiteRef(10, "Store #1", "ul. Tverskaya 1"),
        11: SiteRef(11, "Store #2", "Nevsky 2"),
    }
    equipment = (
        EquipmentRef(20, 10, "cash-register", "АТОЛ 30Ф", "0010123", "ИНВ-1", True),
        EquipmentRef(21, 11, "refrigeration", "Danfoss Optyma", "DF123", "ИНВ-2", False),
        EquipmentRef(22, 11, "printer", "HP LaserJet Pro M404dn", "PH1", "INV-3", True),
    )
    companies = [
        CompanyRef(1, "retail", "ru", (ContactRef(30, 40, "Анна Петрова"), ContactRef(31, None, "Иван Орлов")),
                   sites, equipment, 50, None),
        CompanyRef(2, "office", "en", (ContactRef(32, None, "Laura Weber"),),
                   {12: SiteRef(12, "Berlin office", "Torstraße 5")}, (), 51, frozenset()),
    ]  # fmt: skip
    teams = {
        1: TeamRef(1, 1, False, (101, 102)),
        2: TeamRef(2, 2, False, (103,)),
        3: TeamRef(3, 3, False, (104,)),
        0: TeamRef(4, 2, True, (105,)),
    }
    return Refs(
        statuses={code: (n, phase) for n, (code, phase) in enumerate(PHASES.items(), start=1)},
        priorities={"low": (1, 10), "normal": (2, 20), "high": (3, 30), "critical": (4, 40)},
        types={"incident": 1, "service_request": 2, "question": 3, "planned_work": 4},
        categories={"Hardware failure": 1, "Preventive maintenance": 2},
        teams=teams,
        staff_names={101: "Olga Smirnova", 102: "Pavel Popov", 103: "Ivan Petrov"},
        companies=companies,
    )


def plans(count: int, *, seed: int = 1, days: int = 365) -> list[TicketPlan]:
    rng = random.Random(seed)
    refs = fake_refs()
    times = creation_times(rng, NOW - dt.timedelta(days=days), NOW, count)
    return [
        plan_ticket(rng, refs, number=n, created=t, now=NOW) for n, t in enumerate(times, start=1)
    ]


# --- pure helpers ----------------------------------------------------------------------------


def test_generated_inn_has_a_valid_check_digit() -> None:
    rng = random.Random(3)
    assert names.is_valid_inn("7707083893")  # a real company's INN
    assert not names.is_valid_inn("7707083894")
    assert all(names.is_valid_inn(names.russian_inn(rng)) for _ in range(200))


def test_latin_transliterates_russian_for_mail_addresses() -> None:
    assert names.mailbox("Юлия Фёдорова") == "yuliya.fedorova"
    assert names.latin("Fernández") == "fernandez"


def test_company_spec_has_contacts_sites_equipment_and_a_current_contract() -> None:
    spec = company_spec(
        random.Random(5), today=NOW.date(), serial=1, used_names=set(), used_domains=set()
    )
    assert spec.contacts and spec.sites
    assert all(site.equipment for site in spec.sites)
    assert [c.current for c in spec.contracts].count(True) == 1
    assert all(-90 <= s.latitude <= 90 and -180 <= s.longitude <= 180 for s in spec.sites)


def test_contract_numbers_of_a_company_differ_even_a_leap_year_apart() -> None:
    # Seed 1793 starts the current contract on 2024-12-31 and the old one 365 days earlier,
    # on 2024-01-01: the same year.
    spec = company_spec(
        random.Random(1793),
        today=dt.date(2026, 3, 1),
        serial=1,
        used_names=set(),
        used_domains=set(),
    )
    assert [c.starts_on.year for c in spec.contracts] == [2024, 2024]
    numbers = [c.number for c in spec.contracts]
    assert len(numbers) == len(set(numbers))


def test_batch_sizes_split_the_total_evenly() -> None:
    assert batch_sizes(12001, 5000) == [4001, 4000, 4000]
    assert batch_sizes(200, 5000) == [200]
    assert batch_sizes(0, 5000) == []


def test_background_writer_keeps_at_most_depth_batches_in_flight_and_counts_them_all() -> None:
    lock, state = threading.Lock(), {"now": 0, "peak": 0}

    def slow_write(batch: list[TicketPlan]) -> Written:
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        time.sleep(0.02)
        with lock:
            state["now"] -= 1
        return Written(len(batch), 2 * len(batch), 3 * len(batch))

    writer, total = BackgroundWriter(depth=2, write=slow_write), Written()
    try:
        for size in range(1, 7):
            total.add(writer.write([TicketPlan(row={})] * size))
        total.add(writer.finish())
    finally:
        writer.close()
    assert (total.tickets, total.comments, total.events) == (21, 42, 63)
    assert state["peak"] == 2


def test_creation_times_are_sorted_and_inside_the_window() -> None:
    start = NOW - dt.timedelta(days=10)
    times = creation_times(random.Random(2), start, NOW, 500)
    assert times == sorted(times)
    assert start <= times[0] and times[-1] < NOW


def test_the_same_seed_plans_the_same_tickets() -> None:
    first, second = plans(50, seed=9), plans(50, seed=9)
    assert [p.row for p in first] == [p.row for p in second]
    assert [p.events for p in first] == [p.events for p in second]
    assert [p.row for p in plans(50, seed=10)] != [p.row for p in first]


def test_history_is_ordered_never_passes_now_and_follows_the_workflow() -> None:
    for plan in plans(1500, seed=4):
        times = [e["created_at"] for e in plan.events]
        assert times == sorted(times) and times[-1] <= NOW
        assert plan.events[0]["kind"] == "created"
        assert all(e["dispatched_at"] is not None for e in plan.events)
        steps = [e["changes"]["status"] for e in plan.events if e["kind"] == "status_changed"]
        path = ["new", *[to for _, to in steps]]
        assert all((a, b) in ALLOWED for a, b in zip(path, path[1:], strict=False))
        assert [s[0] for s in steps] == path[:-1]
        row = plan.row
        assert row["phase"] == PHASES[path[-1]]
        assert row["updated_at"] == times[-1]
        assert len(plan.comments) == sum(e["kind"] == "commented" for e in plan.events) <= 4


def test_timestamps_agree_with_the_phase() -> None:
    for plan in plans(1500, seed=5):
        row = plan.row
        assert (row["resolved_at"] is not None) == (row["phase"] in ("resolved", "closed"))
        assert (row["closed_at"] is not None) == (row["phase"] == "closed")
        assert (row["reacted_at"] is None) == (row["phase"] == "new")
        stamps = [
            row[k] for k in ("created_at", "reacted_at", "resolved_at", "closed_at") if row[k]
        ]
        assert stamps == sorted(stamps)
        assert row["priority_weight"] == {1: 10, 2: 20, 3: 30, 4: 40}[row["priority_id"]]
        assert row["version"] == 1


def test_old_tickets_are_mostly_closed_and_new_ones_mostly_open() -> None:
    old = Counter(p.row["phase"] for p in plans(400, seed=6, days=365)[:200])
    assert old["closed"] + old["resolved"] >= 180
    fresh = Counter(p.row["phase"] for p in plans(200, seed=7, days=1)[-100:])
    assert fresh["new"] + fresh["open"] + fresh["waiting"] >= 50


def test_comments_alternate_between_agent_and_client() -> None:
    for plan in plans(500, seed=8):
        if plan.row["phase"] == "new":
            continue
        authors = ["client" if c["author_contact_id"] else "agent" for c in plan.comments]
        assert authors == ["agent", "client", "agent", "client"][: len(authors)]
        assert plan.comments[0]["is_public"]


def test_equipment_without_a_contract_is_flagged_not_covered() -> None:
    for plan in plans(300, seed=11):
        row = plan.row
        if row["equipment_id"] == 21:  # not covered by the contract
            assert row["contract_id"] is None and row["not_covered"]
        elif row["equipment_id"] in (20, 22):
            assert row["contract_id"] == 50 and not row["not_covered"]


# --- the command, on the database ------------------------------------------------------------


def run_demo(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["demo", *args]) == 0
    return capsys.readouterr().out


def search_rows() -> int:
    table = "tickets_search" if connection.vendor == "postgresql" else "tickets_fts"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        return int(cursor.fetchone()[0])


@pytest.mark.django_db
def test_demo_creates_tickets_with_unique_numbers_comments_events_and_search_rows(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = run_demo(capsys, "--tickets", "200", "--seed", "1")
    assert "Created 200 demo tickets" in out
    numbers = list(Ticket.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 200
    assert Comment.objects.count() > 100
    kinds = set(TicketEvent.objects.values_list("kind", flat=True))
    assert {"created", "assigned", "status_changed", "commented"} <= kinds
    assert not TicketEvent.objects.filter(dispatched_at__isnull=True).exists()
    assert not DBTaskResult.objects.exists()  # no dispatch jobs for history
    assert search_rows() == 200


@postgresql_only
@pytest.mark.django_db
def test_the_demo_leaves_planner_statistics_on_every_table_it_filled(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A generic plan read the size of a never-analysed users table as a guess and hashed every
    user to join a ticket's events; the demo now refreshes every table's statistics."""
    run_demo(capsys, "--tickets", "200", "--seed", "4")
    tables = ("accounts_user", "clients_company", "analytics_ticketfact", "sla_ticketsla",
              "tickets_ticket", "tickets_comment", "tickets_ticketevent", "tickets_search")  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)", [list(tables)]
        )
        reltuples = dict(cursor.fetchall())
    assert set(reltuples) == set(tables)
    assert all(rows > 0 for rows in reltuples.values()), reltuples


@pytest.mark.django_db
def test_a_demo_ticket_is_found_by_a_word_of_its_title(capsys: pytest.CaptureFixture[str]) -> None:
    run_demo(capsys, "--tickets", "200", "--seed", "2")
    ticket = Ticket.objects.order_by("number").first()
    assert ticket is not None
    word = max(re.findall(r"[^\W\d_]+", ticket.title), key=len)
    assert ticket in filter_by_text(Ticket.objects.all(), word)


@pytest.mark.django_db
def test_a_ticket_created_after_the_demo_gets_a_higher_number(
    capsys: pytest.CaptureFixture[str], admin: User
) -> None:
    run_demo(capsys, "--tickets", "200", "--seed", "3")
    highest = max(Ticket.objects.values_list("number", flat=True))
    ticket = ticket_create(actor=admin, title="Printer jams after the demo")
    assert ticket.number > highest


@pytest.mark.django_db
def test_demo_rows_agree_with_statuses_and_priorities(capsys: pytest.CaptureFixture[str]) -> None:
    run_demo(capsys, "--tickets", "200", "--seed", "4")
    for ticket in Ticket.objects.select_related("status", "priority", "assignee", "team"):
        assert ticket.phase == ticket.status.phase
        assert ticket.priority_weight == ticket.priority.weight
        assert (ticket.closed_at is not None) == (ticket.phase == "closed")
        if ticket.assignee is not None:
            assert (
                ticket.team is not None
                and ticket.team.members.filter(pk=ticket.assignee.pk).exists()
            )
    portal = Company.objects.filter(contacts__user__role="contact").distinct()
    assert portal.exists()
    assert Site.objects.exclude(time_zone="UTC").count() == Site.objects.count()


@pytest.mark.django_db
def test_demo_equipment_kinds_and_items_pass_the_parameter_checks_the_api_applies(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_demo(capsys, "--tickets", "20", "--seed", "8")
    kinds = {kind.pk: parse_definitions(kind.parameters) for kind in EquipmentKind.objects.all()}
    assert any(d.type == "select" for definitions in kinds.values() for d in definitions)
    for item in Equipment.objects.all():
        assert clean_parameters(item.parameters, kinds[item.kind_id]) == item.parameters


@pytest.mark.django_db
def test_running_the_demo_twice_adds_tickets_and_reuses_reference_data(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_demo(capsys, "--tickets", "60", "--seed", "5")
    counts: dict[str, Any] = {
        m.__name__: m.objects.count() for m in (Company, CompanyCategory, EquipmentKind, Team, User)
    }
    out = run_demo(capsys, "--tickets", "60", "--seed", "6")
    assert Ticket.objects.count() == 120
    assert "(0 new)" in out
    assert {m: globals()[m].objects.count() for m in counts} == counts


@pytest.mark.django_db
def test_the_management_command_makes_the_same_demo_data() -> None:
    call_command("demo", tickets=30, seed=7, stdout=io.StringIO())
    assert Ticket.objects.count() == 30


@pytest.mark.django_db
def test_the_management_command_refreshes_the_planner_statistics_last(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from deskline.core import statistics

    tickets_then: list[int] = []
    monkeypatch.setattr(
        statistics, "statistics_after_load", lambda: tickets_then.append(Ticket.objects.count())
    )
    call_command("demo", tickets=30, seed=7, stdout=io.StringIO(), stderr=io.StringIO())
    assert tickets_then == [30]


@pytest.mark.django_db
def test_every_demo_ticket_has_the_sla_state_its_facts_choose(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_demo(capsys, "--tickets", "200", "--seed", "6")
    states = TicketSla.objects.select_related("ticket__company")
    assert states.count() == Ticket.objects.count() == 200
    for state in states:
        choice = resolve.choose_for(resolve.facts_of(state.ticket))
        assert (state.policy_id, state.calendar_id) == (
            choice.policy.pk if choice.policy else None,
            choice.calendar.pk if choice.calendar else None,
        )


@pytest.mark.django_db
def test_demo_deadlines_are_those_of_the_policys_working_calendar(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_demo(capsys, "--tickets", "200", "--seed", "7")
    checked = 0
    for state in TicketSla.objects.select_related("ticket", "policy", "calendar"):
        ticket = state.ticket
        expected = due_dates(ticket, state)
        assert ticket.resolution_due == expected["resolution_due"]
        if ticket.reacted_at is None:
            assert ticket.reaction_due == expected["reaction_due"]
        checked += expected["resolution_due"] is not None
    assert checked > 100


@pytest.mark.django_db
def test_open_demo_tickets_carry_breach_flags_and_risk_as_of_now(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_demo(capsys, "--tickets", "300", "--seed", "8")
    now = timezone.now()
    open_states = TicketSla.objects.filter(ticket__phase__in=OPEN_PHASES).select_related("ticket")
    assert open_states.exists()
    for state in open_states:
        ticket = state.ticket
        if ticket.resolution_due is not None:
            assert ticket.resolution_breached == (ticket.resolution_due < now)
        assert state.risk_computed_at is not None
    assert Ticket.objects.filter(resolution_breached=True).exists()
