"""Who may open a page and in which time zone it is read: the decorators every desk, portal and
help-centre page uses (staff pages, client pages), kept here so any app's pages can use them
without importing the desk."""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils import timezone

from deskline.accounts.models import Role, User

View = Callable[..., HttpResponseBase]


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _login_redirect(request: HttpRequest, login_url: str) -> HttpResponseBase:
    return HttpResponseRedirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")


def _in_viewer_zone(
    view: View, request: HttpRequest, *args: Any, **kwargs: Any
) -> HttpResponseBase:
    user = request.user
    assert isinstance(user, User)
    timezone.activate(_zone(user.time_zone))
    try:
        return view(request, *args, **kwargs)
    finally:
        timezone.deactivate()


def staff_page(view: View) -> View:
    """A desk page: staff only (clients go to the portal), in the viewer's time zone."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return _login_redirect(request, "/login/")
        assert isinstance(user, User)
        if user.role == Role.CONTACT:
            return HttpResponseRedirect("/portal/")
        return _in_viewer_zone(view, request, *args, **kwargs)

    return wrapper


def client_page(view: View) -> View:
    """A portal page: client contacts only (staff go to the desk), in the viewer's time zone."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return _login_redirect(request, "/portal/login/")
        assert isinstance(user, User)
        if user.role != Role.CONTACT:
            return HttpResponseRedirect("/")
        return _in_viewer_zone(view, request, *args, **kwargs)

    return wrapper


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
