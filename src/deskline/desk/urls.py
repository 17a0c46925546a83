"""URLs of the desk pages."""

from django.urls import URLPattern, URLResolver

app_name = "desk"
urlpatterns: list[URLPattern | URLResolver] = []
