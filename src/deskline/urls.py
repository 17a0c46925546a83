"""URL map: the REST API under /api/v1/, the admin, health, readiness and metrics."""

from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from deskline.api import api
from deskline.operations.views import healthz, metrics, readyz


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@csrf_exempt  # a write to a wrong address is a 404 in the API's shape, not a CSRF page
def api_not_found(request: HttpRequest) -> JsonResponse:
    error = {"code": "not_found", "message": f"no API endpoint at {request.path}", "fields": {}}
    return JsonResponse({"error": error}, status=404)


admin.site.site_header = "Deskline"
admin.site.site_title = "Deskline"
admin.site.index_title = _("Settings")
admin.site.site_url = "/"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),
    path("health", health),
    path("healthz", healthz),
    path("readyz", readyz),
    path("metrics", metrics),
    path("portal/help/", include("deskline.portal.help_urls")),
    path("portal/", include("deskline.portal.urls")),
    path("kb/", include("deskline.desk.knowledge_urls")),
    path("feedback/", include("deskline.feedback.urls")),
    path("billing/", include("deskline.billing.urls")),
    path("triage/", include("deskline.triage.urls")),
    path("portal/acts/", include("deskline.billing.portal_urls")),
    path("", include("deskline.fieldwork.maintenance_urls")),
    path("", include("deskline.desk.urls")),
]
