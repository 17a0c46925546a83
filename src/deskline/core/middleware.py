"""Request guards that every page shares.

`reject_nul_in_query`: a query string holding a NUL character (`%00`) gets a 400 on the web
pages. PostgreSQL cannot store or compare NUL in text, so such a search would otherwise fail
inside the database as a 500; forms already refuse NUL (Django's form fields do), and the API
answers its own 422 naming the parameter (see `deskline.api.QueryParser`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _

from deskline.core.schema import NUL

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
