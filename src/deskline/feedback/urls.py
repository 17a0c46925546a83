"""Addresses of the survey pages (signed tokens, no login). The call-back list is a desk page
(desk/urls.py), under the same /feedback/ prefix."""

from django.urls import path

from deskline.feedback import views

app_name = "feedback"
urlpatterns = [
    path("s/<str:token>/<int:score>/", views.survey_score, name="score"),
    path("s/<str:token>/comment/", views.survey_comment, name="comment"),
    path("nps/<str:token>/<int:score>/", views.nps_score, name="nps_score"),
    path("nps/<str:token>/comment/", views.nps_comment, name="nps_comment"),
]
