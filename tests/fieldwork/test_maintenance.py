"""Maintenance plans and the scheduler: each due date's ticket once, on the site's working day,
lead time, skip and move, counter plans, kind-at-site and contract plans, failures recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from deskline.clients.models import Equipment
from deskline.core.errors import PermissionDenied, ValidationFailed
from deskline.fieldwork import maintenance_scheduler
from deskline.fieldwork.maintenance_models import MaintenanceOccurrence, MaintenancePlan
from deskline.fieldwork.maintenance_scheduler import maintenance_run
from deskline.fieldwork.maintenance_services import (
    occurrence_move,
    occurrence_skip,
    plan_create,
    plan_update,
)
from deskline.fieldwork.models import ChecklistTemplate
from deskline.sla.models import Calendar, SiteCalendar
from deskline.tickets.models import Ticket, TicketEvent
from tests.factories import (
    CompanyFactory,
    ContractFactory,
    EquipmentFactory,
    EquipmentKindFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _next_weekday(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7 or 7)


def make_plan(admin: Any, **values: Any) -> MaintenancePlan:
    if "equipment_id" not in values and values.get("scope", "equipment") == "equipment":
        values["equipment_id"] = EquipmentFactory().pk
    values = {"name": "Quarterly service", "scope": "equipment", "rule": "FREQ=MONTHLY;INTERVAL=3",
              "starts_on": TODAY + dt.timedelta(days=10), "lead_days": 7,
              "title": "Service {date}", **values}  # fmt: skip
    return plan_create(actor=admin, values=values)


def test_a_new_plan_points_at_its_first_date_from_today(admin: Any) -> None:
    plan = make_plan(admin, starts_on=TODAY - dt.timedelta(days=400), rule="FREQ=DAILY;INTERVAL=7")
    assert plan.next_due_on is not None and TODAY <= plan.next_due_on < TODAY + dt.timedelta(7)
    assert plan.create_from == plan.next_due_on - dt.timedelta(days=7)
    assert plan.company_id == plan.equipment.company_id


def test_the_ticket_is_created_lead_days_ahead_and_only_once(admin: Any) -> None:
    plan = make_plan(admin)
    due = TODAY + dt.timedelta(days=10)
    assert maintenance_run(today=due - dt.timedelta(days=8)).created == []
    first = maintenance_run(today=due - dt.timedelta(days=7))
    assert len(first.created) == 1
    assert maintenance_run(today=due - dt.timedelta(days=7)).created == []
    assert maintenance_run(today=due).created == []
    ticket = Ticket.objects.get(number=first.created[0])
    assert ticket.equipment_id == plan.equipment_id and ticket.company_id == plan.company_id
    assert ticket.title == f"Service {due.isoformat()}"
    occurrence = MaintenanceOccurrence.objects.get(plan=plan)
    assert (occurrence.due_on, occurrence.state, occurrence.ticket_id) == (
        due,
        "created",
        ticket.pk,
    )
    event = TicketEvent.objects.get(ticket=ticket, kind="maintenance_due")
    assert event.payload.plan_id == plan.pk


def test_the_cursor_moves_on_to_the_next_date(admin: Any) -> None:
    plan = make_plan(admin)
    maintenance_run(today=TODAY + dt.timedelta(days=3))
    plan.refresh_from_db()
    assert (
        plan.next_due_on is not None and plan.next_due_on.month != (TODAY + dt.timedelta(10)).month
    )


def test_a_date_on_a_closed_day_moves_to_the_sites_next_working_day(admin: Any) -> None:
    saturday = _next_weekday(TODAY + dt.timedelta(days=1), 5)
    item = EquipmentFactory()
    calendar = Calendar.objects.create(name="Shop", week=["09:00-18:00"] * 5 + ["", ""])
    SiteCalendar.objects.create(site=item.site, calendar=calendar)
    plan = make_plan(admin, equipment_id=item.pk, starts_on=saturday, lead_days=2)
    report = maintenance_run(today=saturday)
    occurrence = MaintenanceOccurrence.objects.get(plan=plan)
    assert occurrence.scheduled_on == saturday + dt.timedelta(days=2)
    assert occurrence.create_on == saturday and len(report.created) == 1


def test_a_skipped_date_creates_no_ticket(admin: Any) -> None:
    plan = make_plan(admin)
    due = TODAY + dt.timedelta(days=10)
    occurrence_skip(actor=admin, plan_id=plan.pk, due_on=due)
    assert maintenance_run(today=due).created == []
    assert MaintenanceOccurrence.objects.get(plan=plan).state == "skipped"


def test_a_moved_date_is_created_for_its_new_day(admin: Any) -> None:
    plan = make_plan(admin)
    due = TODAY + dt.timedelta(days=10)
    moved = occurrence_move(
        actor=admin, plan_id=plan.pk, due_on=due, to=due + dt.timedelta(days=20)
    )
    assert maintenance_run(today=due).created == []
    assert len(maintenance_run(today=moved.scheduled_on - dt.timedelta(days=7)).created) == 1


def test_a_date_whose_ticket_exists_cannot_be_skipped(admin: Any) -> None:
    plan = make_plan(admin)
    due = TODAY + dt.timedelta(days=10)
    maintenance_run(today=due)
    with pytest.raises(ValidationFailed, match="exists already"):
        occurrence_skip(actor=admin, plan_id=plan.pk, due_on=due)


def test_only_a_date_of_the_rule_can_be_skipped(admin: Any) -> None:
    plan = make_plan(admin)
    with pytest.raises(ValidationFailed, match="not a date of this plan"):
        occurrence_skip(actor=admin, plan_id=plan.pk, due_on=TODAY + dt.timedelta(days=11))


def test_a_counter_plan_creates_a_ticket_per_mark_reached(admin: Any) -> None:
    kind = EquipmentKindFactory(code="compressor", parameters=[
        {"code": "hours", "name": "Operating hours", "type": "number"}])  # fmt: skip
    item = EquipmentFactory(kind=kind, parameters={"hours": 120})
    plan = make_plan(admin, equipment_id=item.pk, rule="", every_hours=500,
                     counter_parameter="hours")  # fmt: skip
    assert plan.counter_next == 620
    assert maintenance_run(today=TODAY).created == []
    Equipment.objects.filter(pk=item.pk).update(parameters={"hours": 1400})
    assert len(maintenance_run(today=TODAY).created) == 1
    assert maintenance_run(today=TODAY).created == []
    plan.refresh_from_db()
    assert plan.counter_next == 1620
    assert MaintenanceOccurrence.objects.get(plan=plan).counter_at == 1120


def test_a_counter_must_be_a_number_parameter_of_the_kind(admin: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        make_plan(admin, rule="", every_hours=500, counter_parameter="nope")
    assert "counter_parameter" in caught.value.fields


def test_a_kind_at_site_plan_lists_the_sites_items_of_that_kind(admin: Any) -> None:
    site = SiteFactory()
    kind = EquipmentKindFactory(code="lift", name="Lift")
    items = [EquipmentFactory(site=site, kind=kind) for _ in range(2)]
    EquipmentFactory(site=site)  # another kind
    make_plan(admin, scope="kind_at_site", site_id=site.pk, equipment_kind_id=kind.pk)
    ticket = Ticket.objects.get(number=maintenance_run(today=TODAY + dt.timedelta(10)).created[0])
    assert ticket.site_id == site.pk and ticket.equipment_id is None
    assert all(f"(id {item.pk})" in ticket.description for item in items)
    assert ticket.description.count("(id ") == 2


def test_a_contract_plan_names_the_contract(admin: Any) -> None:
    contract = ContractFactory()
    make_plan(admin, scope="contract", contract_id=contract.pk)
    ticket = Ticket.objects.get(number=maintenance_run(today=TODAY + dt.timedelta(10)).created[0])
    assert (ticket.contract_id, ticket.company_id) == (contract.pk, contract.company_id)


def test_the_plans_checklist_is_on_the_ticket(admin: Any) -> None:
    template = ChecklistTemplate.objects.create(name="Lift inspection")
    template.items.create(order=1, text="Check the brakes", required=True)
    make_plan(admin, checklist_template_id=template.pk)
    ticket = Ticket.objects.get(number=maintenance_run(today=TODAY + dt.timedelta(10)).created[0])
    assert list(ticket.checklists.values_list("name", flat=True)) == ["Lift inspection"]


def test_a_ticket_that_cannot_be_created_marks_its_date_failed(admin: Any) -> None:
    plan = make_plan(admin)
    Equipment.objects.filter(pk=plan.equipment_id).update(company=CompanyFactory())
    report = maintenance_run(today=TODAY + dt.timedelta(10))
    assert (report.created, report.failed) == ([], 1)
    occurrence = MaintenanceOccurrence.objects.get(plan=plan)
    assert occurrence.state == "failed" and "another company" in occurrence.note


def test_a_crash_mid_run_leaves_nothing_half_done_and_a_restart_finishes(
    admin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    plans = [make_plan(admin) for _ in range(3)]
    real = maintenance_scheduler._ticket_for
    calls = {"n": 0}

    def dies_on_the_second(occurrence: Any) -> Any:
        calls["n"] += 1
        ticket = real(occurrence)
        if calls["n"] == 2:
            raise KeyboardInterrupt  # the worker is killed after writing the ticket
        return ticket

    monkeypatch.setattr(maintenance_scheduler, "_ticket_for", dies_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        maintenance_run(today=TODAY + dt.timedelta(10))
    monkeypatch.setattr(maintenance_scheduler, "_ticket_for", real)
    maintenance_run(today=TODAY + dt.timedelta(10))
    for plan in plans:
        assert Ticket.objects.filter(equipment_id=plan.equipment_id).count() == 1
    assert MaintenanceOccurrence.objects.filter(state="created", ticket__isnull=False).count() == 3


def test_changing_the_rule_starts_again_from_today(admin: Any) -> None:
    plan = make_plan(admin)
    changed = plan_update(actor=admin, plan_id=plan.pk, changes={"rule": "FREQ=WEEKLY",
                                                                   "starts_on": TODAY})  # fmt: skip
    assert changed.next_due_on == TODAY


@pytest.mark.parametrize(
    ("values", "field"),
    [({"rule": "FREQ=SOMETIMES"}, "rule"), ({"lead_days": 900}, "lead_days"),
     ({"title": " "}, "title"), ({"rule": "", "every_hours": None}, "rule"),
     ({"scope": "kind_at_site", "site_id": None}, "site_id")],
)  # fmt: skip
def test_a_wrong_plan_is_refused_naming_the_field(
    admin: Any, values: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        make_plan(admin, **values)
    assert field in caught.value.fields


def test_agents_may_not_write_plans() -> None:
    with pytest.raises(PermissionDenied):
        make_plan(UserFactory(role="agent"))


def test_the_ticket_page_shows_where_a_maintenance_ticket_came_from(admin: Any) -> None:
    from django.test import Client

    make_plan(admin, name="Lift quarterly")
    number = maintenance_run(today=TODAY + dt.timedelta(days=10)).created[0]
    browser = Client()
    browser.force_login(admin)
    page = browser.get(f"/tickets/{number}/").content.decode()
    assert "Planned maintenance" in page and "Lift quarterly" in page


def test_a_new_schedule_drops_the_dates_written_under_the_old_one(admin: Any) -> None:
    plan = make_plan(admin)
    due = TODAY + dt.timedelta(days=10)
    occurrence_skip(actor=admin, plan_id=plan.pk, due_on=due)
    plan_update(actor=admin, plan_id=plan.pk, changes={"rule": "FREQ=YEARLY"})
    assert not MaintenanceOccurrence.objects.filter(plan=plan).exists()
    assert len(maintenance_run(today=due).created) == 1
