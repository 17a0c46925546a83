"""Deadlines through the ticket services: targets, calendars, holidays, pauses, DST."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deskline.sla.models import (
    Calendar,
    ContractSla,
    SiteCalendar,
    SlaPolicy,
    SlaRule,
    SlaTarget,
    TicketSla,
)
from deskline.tickets.models import Ticket
from deskline.tickets.services import comment_add, ticket_change_status, ticket_update
from tests.factories import CompanyCategoryFactory, CompanyFactory, ContractFactory, SiteFactory
from tests.sla.conftest import msk, priority, status

pytestmark = pytest.mark.django_db


def move(ticket: Ticket, code: str, actor, clock, at: dt.datetime) -> Ticket:
    clock.set(at)
    return ticket_change_status(
        actor=actor, number=ticket.number, status_id=status(code).pk, comment="moving on"
    )


def test_new_ticket_gets_deadlines_in_working_time_of_the_default_calendar(make_ticket, clock):
    ticket = make_ticket()  # normal: react in 240, resolve in 2160 working minutes
    assert ticket.reaction_due == msk(16, 14)
    assert ticket.resolution_due == msk(20, 10)
    assert Ticket.objects.get(pk=ticket.pk).resolution_due == msk(20, 10)


def test_the_first_deadlines_are_written_with_the_ticket_row(make_ticket, clock):
    with CaptureQueriesContext(connection) as ctx:
        make_ticket()
    ticket_updates = [
        q["sql"] for q in ctx.captured_queries if q["sql"].startswith('UPDATE "tickets_ticket"')
    ]
    assert ticket_updates == []


def test_the_hook_does_not_bump_the_version(make_ticket, clock):
    assert make_ticket().version == 1


def test_a_public_holiday_shifts_the_deadline(make_ticket, clock):
    clock.set(msk(8, 17, month=5))  # Friday before Victory Day observed on Monday 11 May
    ticket = make_ticket(priority_id=priority("critical").pk)  # 240 working minutes
    assert ticket.resolution_due == msk(12, 12, month=5)


def test_paused_time_counts_only_its_working_minutes_once(make_ticket, admin, clock):
    ticket = make_ticket()
    move(ticket, "in_progress", admin, clock, msk(16, 10, 30))
    move(ticket, "waiting_client", admin, clock, msk(16, 11))
    # Monday 11:00-18:00 and Tuesday 09:00-11:00 are working: 540 minutes; the night is not.
    resumed = move(ticket, "in_progress", admin, clock, msk(17, 11))
    assert resumed.paused_minutes == 540
    assert Ticket.objects.get(pk=ticket.pk).resolution_due == msk(23, 10)


def test_a_second_pause_adds_only_its_own_minutes(make_ticket, admin, clock):
    ticket = make_ticket()
    move(ticket, "in_progress", admin, clock, msk(16, 10, 30))
    move(ticket, "waiting_client", admin, clock, msk(16, 11))
    move(ticket, "in_progress", admin, clock, msk(16, 12))
    move(ticket, "waiting_client", admin, clock, msk(16, 13))
    final = move(ticket, "in_progress", admin, clock, msk(16, 13, 30))
    assert final.paused_minutes == 90
    assert final.resolution_due == msk(20, 11, 30)


def test_a_pause_over_the_weekend_counts_the_working_hours_only(make_ticket, admin, clock):
    clock.set(msk(20, 16))  # Friday
    ticket = make_ticket()
    move(ticket, "in_progress", admin, clock, msk(20, 16, 30))
    move(ticket, "waiting_client", admin, clock, msk(20, 17))
    assert move(ticket, "in_progress", admin, clock, msk(23, 10)).paused_minutes == 120


def test_the_deadline_stays_put_while_paused_and_a_recompute_keeps_the_pause(
    make_ticket, admin, clock
):
    ticket = make_ticket()
    move(ticket, "in_progress", admin, clock, msk(16, 10, 30))
    move(ticket, "waiting_client", admin, clock, msk(16, 11))
    move(ticket, "in_progress", admin, clock, msk(16, 12))
    ticket_update(actor=admin, number=ticket.number, changes={"title": "Only the title"})
    ticket_update(actor=admin, number=ticket.number, changes={"priority_id": priority("high").pk})
    ticket_update(actor=admin, number=ticket.number, changes={"priority_id": priority("normal").pk})
    assert Ticket.objects.get(pk=ticket.pk).resolution_due == msk(20, 11)


def test_raising_the_priority_recomputes_the_deadlines(make_ticket, admin, clock):
    ticket = make_ticket()
    clock.set(msk(16, 11))
    updated = ticket_update(
        actor=admin, number=ticket.number, changes={"priority_id": priority("high").pk}
    )
    assert (updated.reaction_due, updated.resolution_due) == (msk(16, 11), msk(17, 17))


def test_resolving_after_the_deadline_flags_the_breach_and_stores_active_minutes(
    make_ticket, admin, clock
):
    ticket = make_ticket(priority_id=priority("critical").pk)  # due 14:00
    move(ticket, "in_progress", admin, clock, msk(16, 11))
    resolved = move(ticket, "resolved", admin, clock, msk(16, 15))
    assert resolved.resolution_breached is True
    assert TicketSla.objects.get(ticket=ticket).active_minutes == 300


def test_reopening_pauses_the_resolved_time(make_ticket, admin, clock):
    ticket = make_ticket()
    move(ticket, "resolved", admin, clock, msk(16, 11))
    reopened = move(ticket, "in_progress", admin, clock, msk(16, 12))
    assert reopened.paused_minutes == 60
    assert reopened.resolution_due == msk(20, 11)


def test_first_public_agent_reply_is_the_reaction_by_default(make_ticket, admin, clock):
    ticket = make_ticket()
    clock.set(msk(16, 15))
    comment_add(actor=admin, number=ticket.number, body="On it", is_public=False)
    assert Ticket.objects.get(pk=ticket.pk).reacted_at is None
    comment_add(actor=admin, number=ticket.number, body="Looking into it")
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.reacted_at, stored.reaction_breached) == (msk(16, 15), True)


def test_a_phase_policy_counts_the_move_to_in_progress_not_the_reply(
    make_ticket, admin, clock, standard
):
    standard.reaction_mode = SlaPolicy.ReactionMode.PHASE
    standard.save()
    ticket = make_ticket()
    clock.set(msk(16, 11))
    comment_add(actor=admin, number=ticket.number, body="Hello")
    assert Ticket.objects.get(pk=ticket.pk).reacted_at is None
    assert move(ticket, "in_progress", admin, clock, msk(16, 12)).reacted_at == msk(16, 12)


def test_a_pausing_status_of_the_policy_stops_the_clock(make_ticket, admin, clock, standard):
    standard.pause_phases = []
    standard.save()
    standard.pause_statuses.set([status("in_progress")])
    ticket = make_ticket()
    move(ticket, "in_progress", admin, clock, msk(16, 11))
    assert move(ticket, "waiting_client", admin, clock, msk(16, 12)).paused_minutes == 60


def test_time_per_status_is_kept_in_calendar_and_working_minutes(make_ticket, admin, clock):
    clock.set(msk(20, 17))  # Friday
    ticket = make_ticket()
    move(ticket, "in_progress", admin, clock, msk(23, 10))
    periods = list(
        ticket.status_periods.order_by("started_at").values_list(
            "status__code", "calendar_minutes", "working_minutes"
        )
    )
    assert periods[0] == ("new", 3 * 1440 - 7 * 60, 120)
    assert periods[1] == ("in_progress", 0, 0)


def test_the_site_calendar_wins_over_the_contract_calendar(make_ticket, clock):
    always = Calendar.objects.get(name="24/7")
    night = Calendar.objects.create(
        name="Night", time_zone="Europe/Moscow", week=["00:00-04:00"] * 7
    )
    site = SiteFactory()
    contract = ContractFactory(company=site.company, covers_all_sites=True)
    ContractSla.objects.create(contract=contract, calendar=night)
    SiteCalendar.objects.create(site=site, calendar=always)
    ticket = make_ticket(company_id=site.company_id, site_id=site.pk, contract_id=contract.pk)
    state = TicketSla.objects.get(ticket=ticket)
    assert (state.calendar, state.calendar_source) == (always, "site")
    assert ticket.resolution_due == msk(16, 10) + dt.timedelta(minutes=2160)


def test_the_first_matching_rule_picks_the_policy(make_ticket, clock, standard):
    vip = CompanyCategoryFactory(code="vip")
    fast = SlaPolicy.objects.create(name="VIP", calendar=Calendar.objects.get(name="24/7"))
    SlaTarget.objects.create(
        policy=fast, priority=priority("normal"), reaction_minutes=15, resolution_minutes=120
    )
    SlaRule.objects.create(order=2, policy=standard, priority=priority("normal"))
    rule = SlaRule.objects.create(order=1, policy=fast, company_category=vip)
    ticket = make_ticket(company_id=CompanyFactory(category=vip).pk)
    state = TicketSla.objects.get(ticket=ticket)
    assert (state.policy, state.rule_id) == (fast, rule.pk)
    assert ticket.resolution_due == msk(16, 12)


def test_across_the_spring_dst_change_a_night_interval_holds_three_hours(make_ticket, clock):
    night = Calendar.objects.create(
        name="Berlin nights", time_zone="Europe/Berlin", week=["00:00-04:00"] * 7
    )
    site = SiteFactory()
    SiteCalendar.objects.create(site=site, calendar=night)
    berlin = dt.timezone(dt.timedelta(hours=1))
    clock.set(dt.datetime(2026, 3, 29, 0, 0, tzinfo=berlin))  # clocks jump 02:00 -> 03:00
    ticket = make_ticket(
        company_id=site.company_id, site_id=site.pk, priority_id=priority("critical").pk
    )
    assert ticket.resolution_due == dt.datetime(
        2026, 3, 30, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))
    )
