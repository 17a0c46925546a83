"""The second factor at the door of the desk and the admin (see accounts/two_factor.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from deskline.accounts.two_factor import session_has_two_factor, two_factor_required
from deskline.core.roles import STAFF_ROLES

VERIFY_PATH, SETUP_PATH = "/login/verify/", "/account/two-factor/"
#: Reachable before the second step: signing in and out, static files, the API (tokens), the
#: portal (contacts are not asked), health checks.
_OPEN = (VERIFY_PATH, SETUP_PATH, "/login/", "/logout/", "/admin/logout/", "/static/", "/api/",
         "/portal/", "/i18n/", "/healthz", "/readyz", "/health", "/metrics", "/password")  # fmt: skip


def second_factor(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or request.path.startswith(_OPEN)
            or getattr(user, "role", "") not in STAFF_ROLES
        ):
            return get_response(request)
        if session_has_two_factor(request, user):
            if not user.is_verified():
                return HttpResponseRedirect(f"{VERIFY_PATH}?next={request.path}")
        elif two_factor_required(user, admins_must=settings.DESKLINE_REQUIRE_2FA_FOR_ADMINS):
            return HttpResponseRedirect(f"{SETUP_PATH}?next={request.path}")
        return get_response(request)

    return middleware
