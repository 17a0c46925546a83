"""The analytics app: reports, dashboards, exports, load forecasting and staffing."""

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "deskline.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from deskline.analytics.forecasting import team_staffing_gap
        from deskline.analytics.services import stats_on_event
        from deskline.sla.prediction import STAFFING_GAP_FINDERS
        from deskline.tickets.events import on_ticket_event

        on_ticket_event("analytics.stats")(stats_on_event)
        STAFFING_GAP_FINDERS.append(
            lambda team, now, until: team_staffing_gap(team_id=team, now=now, until=until)
        )
