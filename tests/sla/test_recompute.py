"""Changing a holiday, a calendar or a policy recomputes the open tickets' deadlines."""

from __future__ import annotations

import datetime as dt

import pytest

from deskline.sla.models import SlaTarget
from deskline.sla.recompute import deadlines_recompute
from deskline.sla.services import calendar_exception_set, calendar_save, policy_save
from deskline.sla.tasks import sla_recompute
from deskline.tickets.models import Ticket
from deskline.tickets.services import ticket_change_status
from tests.sla.conftest import msk, priority, status

pytestmark = pytest.mark.django_db


def test_a_new_holiday_moves_open_deadlines_but_not_done_ones(make_ticket, admin, clock, business):
    open_ticket, done = make_ticket(), make_ticket()
    ticket_change_status(actor=admin, number=done.number, status_id=status("resolved").pk)
    calendar_exception_set(
        actor=admin, calendar_id=business.pk, day=dt.date(2026, 3, 18), kind="day_off"
    )
    sla_recompute.call(calendar_ids=[business.pk], policy_ids=[])
    assert Ticket.objects.get(pk=open_ticket.pk).resolution_due == msk(23, 10)
    assert Ticket.objects.get(pk=done.pk).resolution_due == msk(20, 10)


def test_a_shortened_day_counts_its_own_hours(make_ticket, admin, clock, business):
    ticket = make_ticket()
    calendar_exception_set(
        actor=admin,
        calendar_id=business.pk,
        day=dt.date(2026, 3, 17),
        kind="shortened_day",
        hours="09:00-14:00",
    )
    deadlines_recompute(calendar_ids=[business.pk])
    assert Ticket.objects.get(pk=ticket.pk).resolution_due == msk(20, 14)


def test_an_extra_working_saturday_brings_the_deadline_forward(make_ticket, admin, clock, business):
    clock.set(msk(20, 10))  # Friday
    ticket = make_ticket(priority_id=priority("high").pk)  # 960 working minutes
    calendar_exception_set(
        actor=admin, calendar_id=business.pk, day=dt.date(2026, 3, 21), kind="working_day"
    )
    deadlines_recompute(calendar_ids=[business.pk])
    assert Ticket.objects.get(pk=ticket.pk).resolution_due == msk(21, 17)


def test_changing_the_calendar_hours_recomputes(make_ticket, admin, clock, business):
    ticket = make_ticket(priority_id=priority("critical").pk)
    calendar_save(
        actor=admin, calendar_id=business.pk, data={"week": ["10:00-12:00"] * 5 + ["", ""]}
    )
    deadlines_recompute(calendar_ids=[business.pk])
    assert Ticket.objects.get(pk=ticket.pk).resolution_due == msk(17, 12)


def test_changing_a_policy_target_recomputes(make_ticket, admin, clock, standard):
    ticket = make_ticket(priority_id=priority("critical").pk)
    targets = [
        {"priority_id": t.priority_id, "reaction_minutes": t.reaction_minutes,
         "resolution_minutes": 60 if t.priority.code == "critical" else t.resolution_minutes}
        for t in SlaTarget.objects.filter(policy=standard).select_related("priority")
    ]  # fmt: skip
    policy_save(actor=admin, policy_id=standard.pk, data={}, targets=targets)
    sla_recompute.call(calendar_ids=[], policy_ids=[standard.pk])
    assert Ticket.objects.get(pk=ticket.pk).resolution_due == msk(16, 11)


def test_a_recompute_keeps_the_paused_minutes_and_reacted_deadlines(
    make_ticket, admin, clock, business
):
    ticket = make_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(
        paused_minutes=60, reacted_at=msk(16, 11), reaction_due=msk(16, 14)
    )
    calendar_exception_set(
        actor=admin, calendar_id=business.pk, day=dt.date(2026, 3, 16), kind="day_off"
    )
    deadlines_recompute(calendar_ids=[business.pk])
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.reaction_due, stored.resolution_due) == (msk(16, 14), msk(23, 10))


def test_an_override_survives_a_recompute(make_ticket, admin, clock, business):
    from deskline.sla.services import deadline_override

    ticket = make_ticket()
    deadline_override(
        actor=admin, number=ticket.number, deadline="resolution", due=msk(30, 9), reason="Agreed"
    )
    calendar_exception_set(
        actor=admin, calendar_id=business.pk, day=dt.date(2026, 3, 18), kind="day_off"
    )
    deadlines_recompute(calendar_ids=[business.pk])
    assert Ticket.objects.get(pk=ticket.pk).resolution_due == msk(30, 9)
