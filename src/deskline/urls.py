"""URL map: the REST API under /api/v1/, the admin, health check."""

from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from deskline.api import api


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("health", health),
    path("portal/", include("deskline.portal.urls")),
    path("", include("deskline.desk.urls")),
]
