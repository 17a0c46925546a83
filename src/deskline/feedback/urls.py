"""Addresses of the survey pages (signed tokens, no login)."""

from django.urls import path

from deskline.feedback import views

app_name = "feedback"
urlpatterns = [
    path("s/<str:token>/<int:score>/", views.survey_score, name="score"),
    path("s/<str:token>/comment/", views.survey_comment, name="comment"),
    path("nps/<str:token>/<int:score>/", views.nps_score, name="nps_score"),
    path("nps/<str:token>/comment/", views.nps_comment, name="nps_comment"),
    path("callbacks/", views.callback_list, name="callbacks"),
    path("callbacks/<int:callback_id>/done/", views.callback_mark_done, name="callback_done"),
]
