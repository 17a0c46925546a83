"""Request guards that every page shares.

`api_body_limits`: each API endpoint has its own body limit (raw mail pushed to
`/channels/mail/inbound`: DESKLINE_MAX_MAIL_MB; monitoring alerts: 1 MB; file uploads:
DESKLINE_MAX_UPLOAD_MB; JSON bodies: 5 MB), and a body over it gets a 413 in the API's error shape instead of Django's HTML
"Bad Request (400)".

`reject_nul_in_query`: a query string holding a NUL character (`%00`) gets a 400 on the web
pages. PostgreSQL cannot store or compare NUL in text, so such a search would otherwise fail
inside the database as a 500; forms already refuse NUL (Django's form fields do), and the API
answers its own 422 naming the parameter (see `deskline.api.QueryParser`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.utils import translation
from django.utils.translation import gettext as _

from deskline.core.schema import NUL, huge_integer_text

API_PREFIX = "/api/"


def reject_nul_in_query(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if ("%00" in query or NUL in query) and not request.path.startswith(API_PREFIX):
            return HttpResponseBadRequest(
                _("The address holds a NUL character, which no search or filter can use."),
                content_type="text/plain; charset=utf-8",
            )
        return get_response(request)

    return middleware


MAIL_PUSH_SUFFIX = "/channels/mail/inbound"
ALERT_PUSH_PART = "/channels/alerts/"
#: A monitoring notification over this is refused (Alertmanager truncates at max_alerts anyway).
MAX_ALERT_BYTES = 1_000_000
MULTIPART_OVERHEAD = 1024 * 1024


def _body_limit(request: HttpRequest) -> int:
    if request.path.endswith(MAIL_PUSH_SUFFIX):
        return int(settings.DESKLINE_MAX_MAIL_BYTES)
    if ALERT_PUSH_PART in request.path:
        return MAX_ALERT_BYTES
    if request.content_type == "multipart/form-data":
        return int(settings.DESKLINE_MAX_UPLOAD_BYTES) + MULTIPART_OVERHEAD
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def too_large(limit: int) -> JsonResponse:
    error = {"code": "too_large", "message": f"the request body is larger than {limit} bytes",
             "fields": {"body": f"over {limit} bytes"}}  # fmt: skip
    return JsonResponse({"error": error}, status=413)


def api_body_limits(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX) or request.method in ("GET", "HEAD", "OPTIONS"):
            return get_response(request)
        limit = _body_limit(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return too_large(limit)
        if (
            limit > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            and request.content_type != "multipart/form-data"
        ):
            # Read it here, within this endpoint's own limit, so Django's smaller global one
            # (which answers an HTML 400) does not apply to it.
            body = request.read(limit + 1)
            if len(body) > limit:
                return too_large(limit)
            request._body = body
        return get_response(request)

    return middleware


def user_language(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Pages in the language saved on the signed-in user's profile, unless the language
    switcher chose another for this browser (its cookie wins): the saved language was
    ignored until the switcher was used."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        saved = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if saved and not chosen and saved in dict(settings.LANGUAGES):
            translation.activate(saved)
            request.LANGUAGE_CODE = saved
        return get_response(request)

    return middleware


class ApiPathIntegers:
    """An integer in an API address beyond 64 bits is a 422 in the API's error shape before any
    handler runs (a handler's query would fail in the database, even late, while serialising)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        if not request.path.startswith(API_PREFIX):
            return None
        for name, value in kwargs.items():
            if huge_integer_text(str(value)):
                error = {"code": "validation_error", "message": "a number is out of range",
                         "fields": {name: "out of range: at most 19 digits (a 64-bit integer)"}}  # fmt: skip
                return JsonResponse({"error": error}, status=422)
        return None


#: Pages a user who must change their password may still open.
PASSWORD_CHANGE_PATH = "/password/change/"  # noqa: S105 - a page address
_ALWAYS_OPEN = (PASSWORD_CHANGE_PATH, "/logout/", "/portal/logout/", "/admin/logout/", "/static/",
                "/i18n/", API_PREFIX, "/healthz", "/readyz", "/health", "/metrics")  # fmt: skip


def password_change_first(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """A user whose password was generated (the first admin's) sets their own before anything
    else, on the desk or in the admin."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(_ALWAYS_OPEN)
        ):
            return HttpResponseRedirect(f"{PASSWORD_CHANGE_PATH}?next={request.path}")
        return get_response(request)

    return middleware
