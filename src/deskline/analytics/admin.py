"""Admin of the analytics app: the scheduled reports, with a "send the last period now" action."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deskline.analytics.models import ScheduledReport
from deskline.analytics.periods import previous_period
from deskline.analytics.scheduled import scheduled_report_mail


@admin.register(ScheduledReport)
class ScheduledReportAdmin(admin.ModelAdmin[ScheduledReport]):
    list_display = ["name", "report", "frequency", "is_active", "last_period_end"]
    actions = ["send_now"]

    @admin.action(description=_("Send the last period now"))
    def send_now(self, request: HttpRequest, queryset: QuerySet[ScheduledReport]) -> None:
        for report in queryset:
            start, end = previous_period(report.frequency, timezone.localdate())
            scheduled_report_mail(report, start=start, end=end).send()
        messages.success(request, _("Sent."))
