"""API rate limits per token and per client address (fixed one-minute windows in the cache).

A client over its limit gets 429 with `Retry-After` (seconds to the next window) in the API's
error shape. Counts live in the cache: with `REDIS_URL` every web process shares them; with the
in-process cache each process counts alone (a single-machine install). Tokens are counted by a
digest, never by their value.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse

WINDOW_SECONDS = 60
API_PREFIX = "/api/"


def window_hit(key: str, limit: int, now: float) -> int | None:
    """Count one request against `key`; None when within `limit`, else seconds to wait."""
    if limit <= 0:
        return None
    start = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
    counter = f"ratelimit:{key}:{start}"
    cache.add(counter, 0, WINDOW_SECONDS + 5)
    try:
        count = cache.incr(counter)
    except ValueError:  # evicted between add and incr
        cache.set(counter, 1, WINDOW_SECONDS + 5)
        count = 1
    if count > limit:
        return max(1, int(start + WINDOW_SECONDS - now))
    return None


def _token_key(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or len(header) < 12:
        return None
    return "token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:32]


def _too_many(wait: int, what: str) -> JsonResponse:
    message = f"too many requests for this {what}; retry after {wait} s"
    response = JsonResponse(
        {"error": {"code": "rate_limited", "message": message, "fields": {}}}, status=429
    )
    response["Retry-After"] = str(wait)
    return response


def api_rate_limited(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return get_response(request)
        now = time.time()
        address = request.META.get("REMOTE_ADDR", "") or "unknown"
        wait = window_hit(f"addr:{address}", settings.DESKLINE_API_RATE_PER_ADDRESS, now)
        if wait is not None:
            return _too_many(wait, "address")
        token = _token_key(request)
        if token is not None:
            wait = window_hit(token, settings.DESKLINE_API_RATE_PER_TOKEN, now)
            if wait is not None:
                return _too_many(wait, "token")
        return get_response(request)

    return middleware
