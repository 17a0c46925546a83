"""Brute-force protection: the login cool-off that grows, and abuse of the API token path.

Logins are counted by django-axes (see settings). Each lockout of the same account or address
within a day doubles the cool-off: 5 minutes, 10, 20, ... up to 8 hours. API tokens are not
passwords a person types, so a wrong one is cheaper to refuse: an address that sends more than
DESKLINE_TOKEN_FAILURE_LIMIT wrong tokens in 15 minutes gets 429 until the window passes.
"""

from __future__ import annotations

import datetime as dt
import logging

from axes.models import AccessFailureLog
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

logger = logging.getLogger(__name__)
BASE_MINUTES, MAX_MINUTES = 5, 8 * 60
TOKEN_WINDOW_SECONDS = 15 * 60


def cool_off(request: HttpRequest | None) -> dt.timedelta:
    """How long a lockout lasts: doubled for each earlier lockout of the day."""
    if request is None:
        return dt.timedelta(minutes=BASE_MINUTES)
    address = request.META.get("REMOTE_ADDR", "")
    username = str(request.POST.get("username", "")) if request.method == "POST" else ""
    since = timezone.now() - dt.timedelta(days=1)
    failures = AccessFailureLog.objects.filter(attempt_time__gte=since).filter(
        ip_address=address
    ).count() + (
        AccessFailureLog.objects.filter(attempt_time__gte=since, username=username).count()
        if username else 0
    )  # fmt: skip
    earlier_lockouts = max(0, failures // settings.AXES_FAILURE_LIMIT - 1)
    return dt.timedelta(minutes=min(MAX_MINUTES, BASE_MINUTES * 2 ** min(earlier_lockouts, 10)))


def _token_key(address: str) -> str:
    return f"token-failures:{address}"


def token_path_blocked(address: str) -> bool:
    return int(cache.get(_token_key(address), 0)) >= settings.DESKLINE_TOKEN_FAILURE_LIMIT


def token_failure_count(address: str) -> int:
    key = _token_key(address)
    cache.add(key, 0, TOKEN_WINDOW_SECONDS)
    try:
        count = int(cache.incr(key))
    except ValueError:
        cache.set(key, 1, TOKEN_WINDOW_SECONDS)
        count = 1
    if count == settings.DESKLINE_TOKEN_FAILURE_LIMIT:
        logger.warning("API token path blocked for %s after %s wrong tokens", address, count)
    return count
