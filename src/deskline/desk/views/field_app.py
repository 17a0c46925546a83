"""The engineer's phone pages (`/field/`): today's and upcoming visits, one visit with its route,
status buttons, checklist, photos, materials and the client's signature, and the sync endpoint
the page's offline queue sends its actions to, one at a time, in order. The page is an installable
web app: its manifest and service worker are served under /field/ so the worker's scope covers it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from deskline.accounts.models import User
from deskline.core.errors import DomainError
from deskline.desk.web import staff_page
from deskline.fieldwork.selectors import ticket_work_for
from deskline.fieldwork.sync import FieldAction, field_action_apply
from deskline.fieldwork.visit_selectors import engineer_visits, visit_detail

FIELD_STATIC = Path(__file__).resolve().parent.parent / "static" / "field"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@staff_page
def visit_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    rows = engineer_visits(user=user, today=timezone.localdate(),
                           zone=timezone.get_current_timezone_name())  # fmt: skip
    return render(request, "field/list.html", {"visits": rows, "today": timezone.localdate()})


@staff_page
def visit_page(request: HttpRequest, visit_id: int) -> HttpResponse:
    user = _user(request)
    visit = visit_detail(user=user, visit_id=visit_id)
    if visit is None:
        raise Http404("no such visit")
    work = ticket_work_for(user=user, number=visit.ticket.number)
    return render(request, "field/visit.html", {"visit": visit, "checklists": work.checklists,
                                                "site": visit.site})  # fmt: skip


def _values(request: HttpRequest) -> dict[str, object]:
    skip = {"id", "kind", "visit", "time", "version", "csrfmiddlewaretoken"}
    values: dict[str, object] = {k: v for k, v in request.POST.items() if k not in skip}
    if "done" in values:
        values["done"] = values["done"] not in ("0", "false", "")
    return values


@require_POST
@staff_page
def sync(request: HttpRequest) -> JsonResponse:
    """Apply one queued action (multipart: id, kind, visit, time, version, values, file)."""
    post = request.POST
    when = parse_datetime(post.get("time", "")) or timezone.now()
    if timezone.is_naive(when):
        when = timezone.make_aware(when, dt.UTC)
    upload = request.FILES.get("file")
    visit = post.get("visit", "")
    version = post.get("version", "")
    action = FieldAction(
        client_id=post.get("id", ""), kind=post.get("kind", ""),
        visit_id=int(visit) if visit.isdigit() else 0, client_time=when,
        seen_version=int(version) if version.isdigit() else None, values=_values(request),
        upload=upload, upload_name=upload.name or "" if upload else "",
        upload_size=upload.size or 0 if upload else 0,
    )  # fmt: skip
    try:
        row = field_action_apply(actor=_user(request), action=action)
    except DomainError as exc:
        return JsonResponse({"error": {"message": exc.message, "fields": exc.fields}},
                            status=exc.status)  # fmt: skip
    return JsonResponse({"id": row.client_id, "outcome": row.outcome, "message": row.message})


def manifest(request: HttpRequest) -> JsonResponse:
    return JsonResponse({
        "name": f"{settings.DESKLINE_SITE_NAME} Field", "short_name": "Field",
        "start_url": "/field/", "scope": "/field/", "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#1d4ed8",
        "icons": [{"src": static("field/icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }, content_type="application/manifest+json")  # fmt: skip


def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker script, served from /field/ so that it may control every /field/ page."""
    body = (FIELD_STATIC / "sw.js").read_text(encoding="utf-8")
    shell = [static("field/app.js"), static("desk/desk.css"), static("field/field.css"),
             static("vendor/signature_pad-5.1.4/signature_pad.umd.min.js"), static("field/icon.svg")]  # fmt: skip
    body = body.replace("/*SHELL*/[]", repr(shell).replace("'", '"'))
    response = HttpResponse(body, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response
