"""Mailing the scheduled reports: each due report, for the period before, as a PDF with its
chart and an XLSX, to its recipients. A report row is claimed (locked, skipping rows another
worker holds) and marked after its mail left, so two workers never send one period twice; a
crash between the send and the mark sends it again next round (at least once, never lost).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import translation

from deskline.analytics.api_reports import ReportQuery, report_of_query
from deskline.analytics.exports import CONTENT_TYPES, table_export
from deskline.analytics.models import ScheduledReport
from deskline.analytics.periods import is_due, previous_period

logger = logging.getLogger(__name__)


def _recipients(text: str) -> list[str]:
    return [a.strip() for a in text.replace(",", "\n").splitlines() if "@" in a.strip()]


def scheduled_report_mail(report: ScheduledReport, *, start: dt.date, end: dt.date) -> EmailMessage:
    """The mail of one report for one period (built, not sent)."""
    query = ReportQuery.model_validate({**report.filters, "start": start, "end": end})
    with translation.override(report.language or "en"):
        table = report_of_query(report.report, query)
        period = f"{start:%d.%m.%Y} – {end:%d.%m.%Y}"
        title = f"{report.name}: {table.title}, {period}"
        from deskline.analytics.report_pdf import table_pdf  # ReportLab and pygal: on use

        pdf = table_pdf(
            table, subtitle=period, no_data=str(translation.gettext("No data for this period."))
        )
    mail = EmailMessage(
        subject=title,
        body=f"{title}\n\n{settings.DESKLINE_BASE_URL}/reports/{report.report}/",
        to=_recipients(report.recipients),
    )
    stem = f"{report.report}-{start:%Y%m%d}-{end:%Y%m%d}"
    mail.attach(f"{stem}.pdf", pdf, "application/pdf")
    mail.attach(f"{stem}.xlsx", table_export(table=table, fmt="xlsx"), CONTENT_TYPES["xlsx"])
    return mail


def scheduled_reports_send(*, today: dt.date) -> int:
    """Mail every active report whose previous period has not been mailed; returns how many."""
    sent = 0
    for report_id in ScheduledReport.objects.filter(is_active=True).values_list("pk", flat=True):
        with transaction.atomic():
            report = (
                ScheduledReport.objects.select_for_update(skip_locked=True)
                .filter(pk=report_id, is_active=True)
                .first()
            )
            if report is None:
                continue  # another worker holds it
            start, end = previous_period(report.frequency, today)
            if not is_due(report.last_period_end, end) or not _recipients(report.recipients):
                continue
            try:
                scheduled_report_mail(report, start=start, end=end).send()
            except Exception:
                logger.exception("scheduled report %s not sent; retried next round", report.pk)
                continue
            report.last_period_end = end
            report.save(update_fields=["last_period_end"])
            sent += 1
    return sent
