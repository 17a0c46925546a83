"""Admin page of the hourly costs of agents and teams (profitability's cost of time)."""

from __future__ import annotations

from django.contrib import admin

from deskline.billing.cost_models import TimeCost


@admin.register(TimeCost)
class TimeCostAdmin(admin.ModelAdmin[TimeCost]):
    list_display = ("__str__", "user", "team", "hourly_cost")
    list_select_related = ("user", "team")
