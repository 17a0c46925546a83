"""Template context every page gets from operations: whether this is a sandbox."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def sandbox_flag(request: HttpRequest) -> dict[str, bool]:
    return {"deskline_sandbox": bool(settings.DESKLINE_SANDBOX)}
