"""The analytics app: reports, dashboards, exports, load forecasting and staffing."""

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "deskline.analytics"
    label = "analytics"
    verbose_name = "Analytics"
