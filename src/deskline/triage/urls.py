"""Addresses of the triage desk pages (mounted at /triage/)."""

from django.urls import path

from deskline.triage import views

app_name = "triage"
urlpatterns = [
    path("", views.threshold_page, name="thresholds"),
    path("tickets/<int:number>/", views.ticket_panel, name="panel"),
    path(
        "tickets/<int:number>/answers/<int:comment_id>/",
        views.answer_insert,
        name="answer_insert",
    ),
    path(
        "incidents/<int:incident_id>/<str:action>/",
        views.mass_incident_action,
        name="mass_incident_action",
    ),
    path(
        "tickets/<int:number>/<str:field>/<str:action>/",
        views.prediction_action,
        name="prediction_action",
    ),
]
