"""The outermost middleware: a request id for the logs, and the request metrics."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from deskline.operations.audit import CURRENT_REQUEST
from deskline.operations.logs import REQUEST_ID, request_id_for
from deskline.operations.metrics import LATENCY, REQUESTS

HEADER = "X-Request-ID"


def request_observed(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request.headers.get(HEADER))
        token = REQUEST_ID.set(request_id)
        audited = CURRENT_REQUEST.set(request)
        started = time.perf_counter()
        try:
            response = get_response(request)
        finally:
            REQUEST_ID.reset(token)
            CURRENT_REQUEST.reset(audited)
        match = getattr(request, "resolver_match", None)
        # The URL pattern, never the path: one series per route, not one per ticket number.
        route = match.route if match is not None and match.route else "unmatched"
        LATENCY.labels(route, request.method).observe(time.perf_counter() - started)
        REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        response[HEADER] = request_id
        return response

    return middleware
