"""Desk addresses of planned maintenance, expiries and equipment labels (mounted at the root)."""

from django.urls import URLPattern, path

from deskline.fieldwork import maintenance_views

app_name = "maintenance"
urlpatterns: list[URLPattern] = [
    path("maintenance/", maintenance_views.plans_page, name="plans"),
    path("maintenance/<int:pk>/", maintenance_views.plan_page, name="plan"),
    path("maintenance/<int:pk>/dates/", maintenance_views.plan_date_change, name="plan_date"),
    path("expiring/", maintenance_views.expiring_page, name="expiring"),
    path("sites/<int:pk>/labels.pdf", maintenance_views.site_labels, name="site_labels"),
]
