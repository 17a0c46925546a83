"""The analytics app: reports, dashboards, exports, load forecasting and staffing."""

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "deskline.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from deskline.analytics.services import stats_on_event
        from deskline.tickets.events import on_ticket_event

        on_ticket_event("analytics.stats")(stats_on_event)
