"""URLs of the portal pages."""

from django.urls import URLPattern, URLResolver

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = []
