"""The periodic NPS survey: who is asked and when, the 0-10 answer, and the NPS report."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from deskline.feedback.models import NpsInvite, NpsSettings
from deskline.feedback.nps import nps_send_due
from deskline.feedback.nps_score import nps_figures
from deskline.notifications.models import Outbox
from tests.factories import CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db


def test_nps_is_promoters_minus_detractors() -> None:
    figures = nps_figures(10, [10, 9, 8, 7, 6, 0])
    assert (figures.promoters, figures.passives, figures.detractors) == (2, 2, 2)
    assert figures.nps == 0.0 and figures.answer_rate == 60.0
    assert nps_figures(3, []).nps is None


@pytest.fixture
def active() -> NpsSettings:
    return NpsSettings.objects.create(is_active=True, every_months=6, min_days_between=90)


def test_each_contact_is_asked_once_per_period(active: NpsSettings) -> None:
    company = CompanyFactory()
    ContactFactory(company=company, email="a@x.example")
    ContactFactory(company=company, email="")  # nowhere to send it
    now = timezone.now()
    assert nps_send_due(now=now) == 1
    assert nps_send_due(now=now + dt.timedelta(days=100)) == 0  # within six months
    assert nps_send_due(now=now + dt.timedelta(days=190)) == 1


def test_the_minimum_gap_wins_over_a_short_period(active: NpsSettings) -> None:
    active.every_months, active.min_days_between = 1, 120
    active.save()
    ContactFactory(email="b@x.example")
    now = timezone.now()
    nps_send_due(now=now)
    assert nps_send_due(now=now + dt.timedelta(days=60)) == 0


def test_nothing_is_sent_while_switched_off() -> None:
    ContactFactory(email="c@x.example")
    assert nps_send_due() == 0


def test_the_daily_limit_spreads_the_first_round(active: NpsSettings) -> None:
    active.per_run = 2
    active.save()
    for i in range(5):
        ContactFactory(email=f"d{i}@x.example")
    assert nps_send_due() == 2


def test_the_mail_link_records_the_score_and_the_comment(active: NpsSettings, client) -> None:
    ContactFactory(email="e@x.example", language="ru")
    nps_send_due()
    mail = Outbox.objects.get(event="nps_survey")
    assert "порекомендуете" in mail.body
    links = re.findall(r"http\S+/feedback/nps/(\S+)/(\d+)/", mail.body)
    assert [int(n) for _t, n in links] == list(range(11))
    token = links[9][0]
    assert client.get(f"/feedback/nps/{token}/9/").status_code == 200
    client.post(f"/feedback/nps/{token}/comment/", {"comment": "Fast engineers"})
    invite = NpsInvite.objects.get()
    assert invite.score == 9 and invite.comment == "Fast engineers"
    assert client.get("/feedback/nps/forged/9/").status_code == 404


def test_the_nps_report_counts_answers_per_month(active: NpsSettings, api_for, admin) -> None:
    contacts = [ContactFactory(email=f"f{i}@x.example") for i in range(4)]
    now = timezone.now()
    for contact, score in zip(contacts, [10, 9, 3, None], strict=True):
        NpsInvite.objects.create(contact=contact, company_id=contact.company_id, sent_at=now,
                                 score=score, answered_at=now if score is not None else None)  # fmt: skip
    body = api_for(admin).get("reports/nps", {"grain": "month"}).json()
    (row,) = body["rows"]
    assert row["sent"] == 4 and row["answered"] == 3 and row["answer_rate"] == 75.0
    assert row["nps"] == round(100 * (2 - 1) / 3, 1)
