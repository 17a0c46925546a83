"""`/healthz` (the process answers), `/readyz` (it can serve, its jobs move), `/metrics`."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST

from deskline.operations.health import readiness
from deskline.operations.metrics import metrics_text


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = readiness()
    ready = all(ok for ok, _ in checks.values())
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
    }
    return JsonResponse(body, status=200 if ready else 503)


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format, for a scraper holding `Authorization: Bearer <token>`."""
    token = settings.DESKLINE_METRICS_TOKEN
    if not token:
        return JsonResponse(
            {"error": {"code": "not_found", "fields": {},
                       "message": "metrics are off: set DESKLINE_METRICS_TOKEN"}}, status=404
        )  # fmt: skip
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        response = JsonResponse(
            {"error": {"code": "unauthorized", "fields": {},
                       "message": "a valid metrics token is required"}}, status=401
        )  # fmt: skip
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
