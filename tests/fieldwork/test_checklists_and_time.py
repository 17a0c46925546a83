"""Checklists from templates (by type, category, equipment kind), ticking with values, the
resolve guard, the history; time entries by hand and by stopwatch, with totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from deskline.accounts.models import Role
from deskline.core.errors import NotFound, ValidationFailed
from deskline.fieldwork.checks import TemplateRule, step_value, templates_for
from deskline.fieldwork.models import ChecklistTemplate, TicketChecklistItem, TimeEntry
from deskline.fieldwork.selectors import ticket_work_for
from deskline.fieldwork.services import (
    checklist_add,
    checklist_tick,
    stopwatch_start,
    stopwatch_stop,
    time_entry_add,
)
from deskline.tickets.models import TicketType
from deskline.tickets.services import ticket_change_status
from tests.factories import EquipmentFactory, EquipmentKindFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_template_matches_on_every_dimension_it_names() -> None:
    by_kind = TemplateRule(1, frozenset(), frozenset(), frozenset({9}))
    by_type_and_kind = TemplateRule(2, frozenset({3}), frozenset(), frozenset({9}))
    by_hand = TemplateRule(3, frozenset(), frozenset(), frozenset())
    rules = [by_kind, by_type_and_kind, by_hand]
    assert templates_for(rules, type_id=3, category_id=None, kind_id=9) == [1, 2]
    assert templates_for(rules, type_id=4, category_id=None, kind_id=9) == [1]
    assert templates_for(rules, type_id=3, category_id=None, kind_id=None) == []


def test_a_number_step_keeps_to_its_limits() -> None:
    limits = {"minimum": Decimal("2"), "maximum": Decimal("8"), "choices": []}
    assert step_value("number", "4,5", **limits) == "4.5"
    with pytest.raises(ValueError, match="at most 8"):
        step_value("number", "9", **limits)
    with pytest.raises(ValueError, match="enter a number"):
        step_value("number", "lots", **limits)
    with pytest.raises(ValueError, match="one of"):
        step_value("choice", "blue", minimum=None, maximum=None, choices=["red", "green"])


@pytest.fixture
def template() -> ChecklistTemplate:
    kind = EquipmentKindFactory(name="Cash register")
    made = ChecklistTemplate.objects.create(name="KKT service")
    made.equipment_kinds.add(kind)
    made.items.create(order=1, text="Clean the printer head", required=True)
    made.items.create(order=2, text="Battery voltage", kind="number", minimum=Decimal("11"),
                      maximum=Decimal("15"), required=True)  # fmt: skip
    made.items.create(order=3, text="Paper left", kind="choice", choices=["full", "half", "low"])
    return made


@pytest.fixture
def ticket(template: ChecklistTemplate, make_ticket: Any, dispatch: Any) -> Any:
    kind = template.equipment_kinds.get()
    item = EquipmentFactory(kind=kind)
    made = make_ticket(title="KKT jams", equipment_id=item.pk)
    dispatch()  # the checklists reaction runs after the ticket is created
    return made


def test_a_new_ticket_on_matching_equipment_gets_the_checklist(ticket: Any, admin: Any) -> None:
    work = ticket_work_for(user=admin, number=ticket.number)
    (checklist,) = work.checklists
    assert [i.text for i in checklist.items.all()] == [
        "Clean the printer head", "Battery voltage", "Paper left"]  # fmt: skip


def test_a_required_step_not_done_blocks_resolving(ticket: Any, admin: Any) -> None:
    with pytest.raises(ValidationFailed, match="Clean the printer head"):
        ticket_change_status(actor=admin, number=ticket.number, status_code="resolved")
    for item in TicketChecklistItem.objects.filter(required=True):
        checklist_tick(actor=admin, number=ticket.number, item_id=item.pk,
                       value="12.6" if item.kind == "number" else "")  # fmt: skip
    ticket_change_status(actor=admin, number=ticket.number, status_code="resolved")


def test_ticking_records_who_when_and_the_value_in_the_history(ticket: Any, admin: Any) -> None:
    volts = TicketChecklistItem.objects.get(text="Battery voltage")
    with pytest.raises(ValidationFailed, match="at least 11"):
        checklist_tick(actor=admin, number=ticket.number, item_id=volts.pk, value="3")
    checklist_tick(actor=admin, number=ticket.number, item_id=volts.pk, value="12,6")
    volts.refresh_from_db()
    assert volts.done_by == admin and volts.done_at is not None and volts.value == "12.6"
    event = ticket.events.filter(kind="checklist_ticked").get()
    assert event.data["item"] == "Battery voltage" and event.data["value"] == "12.6"


def test_a_checklist_is_added_once_by_hand(ticket: Any, admin: Any) -> None:
    extra = ChecklistTemplate.objects.create(name="Handover")
    checklist_add(actor=admin, number=ticket.number, template_id=extra.pk)
    with pytest.raises(ValidationFailed, match="already on the ticket"):
        checklist_add(actor=admin, number=ticket.number, template_id=extra.pk)


def test_time_by_minutes_or_by_start_and_end_with_totals(ticket: Any, admin: Any) -> None:
    time_entry_add(actor=admin, number=ticket.number, minutes=30, kind="on_site")
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    time_entry_add(actor=admin, number=ticket.number, started_at=start,
                   ended_at=start + dt.timedelta(minutes=45), kind="travel", billable=False)  # fmt: skip
    work = ticket_work_for(user=admin, number=ticket.number)
    assert (work.total_minutes, work.billable_minutes) == (75, 30)
    with pytest.raises(ValidationFailed, match="1 to 1440"):
        time_entry_add(actor=admin, number=ticket.number, minutes=0)
    with pytest.raises(ValidationFailed, match="ends before it starts"):
        time_entry_add(actor=admin, number=ticket.number, started_at=start, ended_at=start)


def test_one_stopwatch_per_person(ticket: Any, admin: Any) -> None:
    stopwatch_start(actor=admin, number=ticket.number)
    with pytest.raises(ValidationFailed, match="already running"):
        stopwatch_start(actor=admin, number=ticket.number)
    entry = stopwatch_stop(actor=admin)
    assert entry.minutes == 1 and ticket.events.filter(kind="time_logged").exists()
    with pytest.raises(NotFound):
        stopwatch_stop(actor=admin)


def test_an_agent_cannot_touch_a_ticket_they_cannot_see(ticket: Any) -> None:
    contractor = UserFactory(username="sub", role=Role.CONTRACTOR)
    with pytest.raises(NotFound):
        time_entry_add(actor=contractor, number=ticket.number, minutes=10)


def test_the_api_lists_and_ticks_and_logs(ticket: Any, admin: Any, api_for: Any) -> None:
    api = api_for(admin)
    (checklist,) = api.get(f"tickets/{ticket.number}/checklists").json()
    step = checklist["steps"][2]
    ticked = api.post(f"tickets/{ticket.number}/checklist-steps/{step['id']}", {"value": "low"})
    assert ticked.status_code == 200 and ticked.json()["value"] == "low"
    bad = api.post(f"tickets/{ticket.number}/checklist-steps/{step['id']}", {"value": "pink"})
    assert bad.status_code == 422 and "value" in bad.json()["error"]["fields"]
    made = api.post(f"tickets/{ticket.number}/time-entries", {"minutes": 20, "kind": "remote"})
    assert made.status_code == 201
    assert [e["minutes"] for e in api.get(f"tickets/{ticket.number}/time-entries").json()] == [20]


def test_clients_never_read_checklists_or_time(ticket: Any, api_for: Any) -> None:
    from tests.factories import ContactUserFactory

    client_user = ContactUserFactory()
    assert api_for(client_user).get(f"tickets/{ticket.number}/time-entries").status_code == 403


def test_the_ticket_page_panel_ticks_and_logs(ticket: Any, admin: Any) -> None:
    client = Client()
    client.force_login(admin)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'id="work"' in page and "Battery voltage" in page
    head = TicketChecklistItem.objects.get(text="Clean the printer head")
    client.post(f"/tickets/{ticket.number}/steps/{head.pk}/", {"done": "1"})
    client.post(f"/tickets/{ticket.number}/time/", {"minutes": "15", "kind": "on_site",
                                                    "billable": "on"})  # fmt: skip
    head.refresh_from_db()
    assert head.done_at is not None
    assert TimeEntry.objects.get(ticket__number=ticket.number).minutes == 15
    client.post(f"/tickets/{ticket.number}/stopwatch/", {"action": "start"})
    assert "Stopwatch running" in client.get(f"/tickets/{ticket.number}/").content.decode()


def test_type_rule_applies_without_equipment(make_ticket: Any, dispatch: Any, admin: Any) -> None:
    visit = TicketType.objects.create(code="visit", name="Visit")
    template = ChecklistTemplate.objects.create(name="Visit basics")
    template.ticket_types.add(visit)
    template.items.create(text="Sign the act")
    ticket = make_ticket(title="Go there", type_id=visit.pk)
    dispatch()
    assert [c.name for c in ticket_work_for(user=admin, number=ticket.number).checklists] == [
        "Visit basics"]  # fmt: skip


def test_the_time_report_sums_hours_per_person(ticket: Any, admin: Any, api_for: Any) -> None:
    time_entry_add(actor=admin, number=ticket.number, minutes=90, kind="on_site")
    time_entry_add(actor=admin, number=ticket.number, minutes=30, billable=False)
    (row,) = api_for(admin).get("reports/time").json()["rows"]
    assert (row["hours"], row["billable_hours"], row["tickets"]) == (2.0, 1.5, 1)
