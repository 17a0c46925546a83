"""Scheduled reports: the period before, mailed once as a PDF (chart and table) and an XLSX."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.core import mail

from deskline.analytics.models import DailyTeamStats, ScheduledReport
from deskline.analytics.periods import is_due, previous_period
from deskline.analytics.scheduled import scheduled_reports_send
from tests.servers import server_missing

pytestmark = pytest.mark.django_db


def test_the_previous_week_runs_monday_to_sunday() -> None:
    wednesday = dt.date(2026, 12, 2)
    assert previous_period("weekly", wednesday) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert previous_period("weekly", dt.date(2026, 11, 30)) == (
        dt.date(2026, 11, 23),
        dt.date(2026, 11, 29),
    )


def test_the_previous_month_is_the_whole_month_before() -> None:
    assert previous_period("monthly", dt.date(2026, 3, 1)) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 28),
    )


def test_a_period_is_due_once() -> None:
    end = dt.date(2026, 11, 29)
    assert is_due(None, end) and not is_due(end, end) and is_due(end - dt.timedelta(days=7), end)


@pytest.fixture
def weekly(settings) -> ScheduledReport:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for day in range(23, 30):
        DailyTeamStats.objects.create(day=dt.date(2026, 11, day), created=day, resolved=day - 5)
    return ScheduledReport.objects.create(
        name="Weekly flow", report="flow", filters={"grain": "day"}, language="ru",
        recipients="head@example.com\nlead@example.com",
    )  # fmt: skip


def test_a_due_report_is_mailed_with_pdf_and_xlsx_once(weekly: ScheduledReport) -> None:
    today = dt.date(2026, 12, 2)
    assert scheduled_reports_send(today=today) == 1
    assert scheduled_reports_send(today=today) == 0
    (sent,) = mail.outbox
    assert sent.to == ["head@example.com", "lead@example.com"]
    names = [name for name, _content, _type in sent.attachments]
    assert names == ["flow-20261123-20261129.pdf", "flow-20261123-20261129.xlsx"]
    weekly.refresh_from_db()
    assert weekly.last_period_end == dt.date(2026, 11, 29)


def test_the_pdf_reads_back_with_its_russian_title_and_figures(weekly: ScheduledReport) -> None:
    scheduled_reports_send(today=dt.date(2026, 12, 2))
    pdf = mail.outbox[0].attachments[0][1]
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        server_missing("pdftotext", "Debian: apt-get install -y poppler-utils")
    text = subprocess.run([pdftotext, "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()  # fmt: skip
    assert "Создано и решено" in text and "23.11.2026 – 29.11.2026" in text
    assert "2026-11-29" in text and "29" in text


def test_a_failed_send_is_retried_next_round(weekly: ScheduledReport, monkeypatch) -> None:
    def refuse(self, fail_silently=False):  # type: ignore[no-untyped-def]
        raise OSError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    assert scheduled_reports_send(today=dt.date(2026, 12, 2)) == 0
    monkeypatch.undo()
    assert scheduled_reports_send(today=dt.date(2026, 12, 2)) == 1


def test_the_tone_report_is_mailed_with_its_chart_pdf_and_xlsx(settings, make_ticket) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from openpyxl import load_workbook

    from deskline.triage.models import MessageTone

    ticket = make_ticket(title="Nothing works again")
    for day, tone in ((23, "neutral"), (25, "negative")):
        MessageTone.objects.create(
            ticket=ticket, tone=tone, confidence=0.9, angry=0.8 if tone == "negative" else 0.1,
            urgent=0.0, created_at=dt.datetime(2026, 11, day, 10, tzinfo=dt.UTC),
        )  # fmt: skip
    ScheduledReport.objects.create(name="Weekly tone", report="tone", filters={"grain": "day"},
                                   recipients="head@example.com")  # fmt: skip
    assert scheduled_reports_send(today=dt.date(2026, 12, 2)) == 1
    (sent,) = mail.outbox
    (pdf_name, pdf, pdf_type), (xlsx_name, xlsx, _type) = sent.attachments
    assert (pdf_name, xlsx_name) == ("tone-20261123-20261129.pdf", "tone-20261123-20261129.xlsx")
    assert pdf_type == "application/pdf" and pdf.startswith(b"%PDF")
    sheet = load_workbook(io.BytesIO(xlsx)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [row[:4] for row in rows[1:]] == [["2026-11-23", 1, 0, 0], ["2026-11-25", 1, 1, 100]]


def test_every_schedulable_report_is_one_the_reports_build() -> None:
    from deskline.analytics.reports import REPORTS

    choices = {value for value, _label in ScheduledReport._meta.get_field("report").choices}
    assert "tone" in choices and choices <= set(REPORTS)
