"""Issue 18's journey in Chromium: a client rates a resolved ticket 2 from the e-mail link, the
team lead finds it on the dashboard's "to call back" list, and the head of service reads the SLA
report for a team, downloads it as XLSX and opens the forecast with its staffing gaps."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from deskline.accounts.models import Role
from deskline.analytics.models import DailyTeamStats
from deskline.notifications.models import Outbox
from deskline.tickets.services import ticket_change_status
from tests.e2e.conftest import desk_login, shot
from tests.e2e.test_journeys import _seed
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_poor_score_reaches_the_lead_and_the_head_reads_reports(
    live_server: Any, browser: Any, dispatch: Any
) -> None:
    data = _seed()
    team = data["team"]
    lead = UserFactory(username="lead", role=Role.AGENT, first_name="Lena", last_name="Lead")
    team.members.add(lead)
    team.lead = lead
    team.save()
    ticket = data["tickets"][0]
    ticket_change_status(actor=data["admin"], number=ticket.number, status_code="resolved")
    dispatch()
    today = timezone.localdate()
    for back in range(1, 8 * 7 + 1):  # the aggregates of eight busy weeks
        day = today - dt.timedelta(days=back)
        DailyTeamStats.objects.create(
            day=day, team_id=team.pk, created=300 - 40 * (day.weekday() > 4)
        )
    mail = Outbox.objects.get(ticket=ticket, event="ticket_resolved")
    two = re.search(r"(http\S+/feedback/s/\S+/2/)", mail.body)
    assert two is not None
    base = live_server.url
    link = re.sub(r"^https?://[^/]+", base, two.group(1))

    client_page = browser.new_context(viewport={"width": 390, "height": 800}).new_page()
    client_page.goto(link)  # no login: the link is signed
    client_page.wait_for_selector("text=2 of 5")

    lead_page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    desk_login(lead_page, base, "lead")
    lead_page.click("nav >> text=Dashboard")
    callbacks = lead_page.locator("#dash-callbacks")
    callbacks.locator(f"text=#{ticket.number}").wait_for()
    assert "2/5" in callbacks.inner_text()
    shot(lead_page, "desk-dashboard-lead-1280")

    head = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    head_page = head.new_page()
    desk_login(head_page, base, "admin")
    head_page.click("nav >> text=Reports")
    head_page.select_option("select[name=team]", label="First line")
    head_page.click("form.report-filters button[type=submit]")
    head_page.wait_for_url(f"**team={team.pk}**")
    with head_page.expect_download() as downloaded:
        head_page.click("text=XLSX")
    assert downloaded.value.suggested_filename == "sla.xlsx"
    head_page.click("nav.tabs >> text=Load forecast")
    head_page.select_option("select[name=team]", label="First line")
    head_page.click("form.report-filters button[type=submit]")
    gaps = head_page.locator("#staffing .staffing-gaps li")
    gaps.first.wait_for()
    assert "add " in gaps.first.inner_text()
    chart_drawn = "() => { const i = document.querySelector('img.report-chart');" \
                  " return i.complete && i.naturalWidth > 0; }"  # fmt: skip
    for _ in range(100):  # wait_for_function would need 'unsafe-eval', which the CSP refuses
        if head_page.evaluate(chart_drawn):
            break
        head_page.wait_for_timeout(100)
    assert head_page.evaluate(chart_drawn)
    shot(head_page, "desk-forecast-1280")
