"""The dispatcher's pages: the board (engineers by day or week, visits as blocks, the tickets
waiting for a visit beside it, drag to plan or move, conflicts shown before saving), the map of
the day's visits and engineers, and the suggested day plan. They adapt fieldwork's services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deskline.accounts.models import User
from deskline.core.errors import DomainError, PermissionDenied, field_errors
from deskline.desk.web import staff_page
from deskline.fieldwork import planning, visit_selectors, visits
from deskline.fieldwork.models import VisitStatus


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _day(raw: str | None) -> dt.date:
    return (parse_date(raw or "") if raw else None) or timezone.localdate()


@staff_page
def board(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    first = _day(request.GET.get("day"))
    days = 7 if request.GET.get("days") == "7" else 1
    if days == 7:
        first -= dt.timedelta(days=first.weekday())
    data = visit_selectors.dispatch_board(user=user, first=first, days=days,
                                          zone=timezone.get_current_timezone_name())  # fmt: skip
    step = dt.timedelta(days=days)
    can_plan = user.is_superuser or user.role in visits.PLANNERS
    lanes = [(row, _lane(row.visits, can_plan)) for row in data.rows]
    return render(request, "desk/dispatch.html", {
        "nav": "dispatch", "board": data, "lanes": lanes, "days": days, "first": first,
        "previous": first - step, "next": first + step, "today": timezone.localdate(),
        "hours": range(0, 24, 3) if days == 1 else (),
        "can_plan": can_plan,
    })  # fmt: skip


def _lane(blocks: list[visit_selectors.BoardVisit], can_plan: bool) -> str:
    """An engineer's visits as positioned links, written here rather than by a template loop: a
    week of a large team is thousands of blocks, and a template spends ~1 ms on each."""
    zone = timezone.get_current_timezone()
    labels = {value: escape(str(label)) for value, label in VisitStatus.choices}
    sites: dict[str, str] = {}
    draggable = "true" if can_plan else "false"
    parts = []
    for b in blocks:
        begins, ends = b.start.astimezone(zone), b.end.astimezone(zone)
        at = f"{begins.hour:02d}:{begins.minute:02d}"
        site = sites.get(b.site) or sites.setdefault(b.site, escape(b.site))
        minutes = int((b.end - b.start).total_seconds() // 60)
        parts.append(
            f'<a class="visit-block status-{b.status}" style="left: {b.left:.3f}%; '
            f'width: {b.width:.3f}%" href="/tickets/{b.number}/#visits" draggable="{draggable}" '
            f'data-visit="{b.id}" data-minutes="{minutes}" title="#{b.number} {site} '
            f"{begins.day:02d}.{begins.month:02d} {at}–{ends.hour:02d}:{ends.minute:02d} "
            f'({labels.get(b.status, b.status)})">#{b.number} {at}</a>'
        )
    return mark_safe("".join(parts))  # noqa: S308  (every value above is escaped or numeric)


def _when(raw: str, name: str) -> dt.datetime:
    value = parse_datetime(raw or "")
    if value is None:
        raise DomainError("not a time", fields={name: "not a date and time"})
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _proposal(request: HttpRequest) -> dict[str, Any]:
    post = request.POST
    engineer = post.get("engineer", "")
    if not engineer.isdigit():
        raise DomainError("no engineer", fields={"engineer": "required"})
    return {"engineer_ids": [int(engineer)], "start": _when(post.get("start", ""), "start"),
            "end": _when(post.get("end", ""), "end")}  # fmt: skip


def _error(exc: DomainError) -> JsonResponse:
    return JsonResponse({"error": {"message": exc.message, "fields": exc.fields}},
                        status=exc.status)  # fmt: skip


@require_POST
@staff_page
def check(request: HttpRequest) -> JsonResponse:
    """The conflicts of a dropped ticket or visit at its new time (nothing is saved)."""
    user = _user(request)
    try:
        visits.require_planner(user)
        proposal = _proposal(request)
        visit_id, number = request.POST.get("visit", ""), request.POST.get("ticket", "")
        conflicts = visit_selectors.proposal_conflicts(
            user=user, visit_id=int(visit_id) if visit_id.isdigit() else None,
            number=int(number) if number.isdigit() else 0,
            zone=timezone.get_current_timezone_name(), **proposal,
        )  # fmt: skip
    except DomainError as exc:
        return _error(exc)
    return JsonResponse({"conflicts": [c.text for c in conflicts]})


@require_POST
@staff_page
def save(request: HttpRequest) -> JsonResponse:
    """Plan the dropped ticket or move the dropped visit (`force`: despite its conflicts)."""
    user = _user(request)
    force = request.POST.get("force") == "1"
    try:
        proposal = _proposal(request)
        visit_id = request.POST.get("visit", "")
        if visit_id.isdigit():
            visit = visits.visit_move(actor=user, visit_id=int(visit_id), force=force, **proposal)
        else:
            number = request.POST.get("ticket", "")
            visit = visits.visit_plan(actor=user, number=int(number) if number.isdigit() else 0,
                                      force=force, **proposal)  # fmt: skip
    except DomainError as exc:
        return _error(exc)
    return JsonResponse({"visit": visit.pk, "version": visit.version})


@staff_page
def day_map(request: HttpRequest) -> HttpResponse:
    day = _day(request.GET.get("day"))
    response = render(request, "desk/dispatch_map.html", {
        "nav": "dispatch", "day": day, "tiles": settings.DESKLINE_MAP_TILES,
        "attribution": settings.DESKLINE_MAP_ATTRIBUTION,
    })  # fmt: skip
    if settings.DESKLINE_MAP_TILES:
        origin = "/".join(settings.DESKLINE_MAP_TILES.split("/")[:3]).replace("{s}.", "")
        response._csp_update = {"img-src": [origin, origin.replace("://", "://*.")]}  # type: ignore[attr-defined]
    return response


@staff_page
def map_points(request: HttpRequest) -> JsonResponse:
    points = visit_selectors.map_points(user=_user(request), day=_day(request.GET.get("day")),
                                        zone=timezone.get_current_timezone_name())  # fmt: skip
    return JsonResponse(points)


def _stop(raw: str) -> planning.Accepted:
    """A suggested visit the dispatcher accepts, as the plan page wrote it: number|id|start|end."""
    parts = raw.split("|")
    if len(parts) != 4 or not parts[0].isdigit() or not parts[1].isdigit():
        raise DomainError("not a suggested visit", fields={"stop": raw[:100]})
    return int(parts[0]), int(parts[1]), _when(parts[2], "stop"), _when(parts[3], "stop")


@staff_page
def day_plan(request: HttpRequest) -> HttpResponse:
    """The suggested plan for a day; POST applies it (plans every suggested visit)."""
    user = _user(request)
    day = _day(request.GET.get("day") or request.POST.get("day"))
    longer = request.GET.get("compare") == "1"
    try:
        if request.method == "POST":
            stops = [_stop(raw) for raw in request.POST.getlist("stop")]
            made = planning.day_plan_apply(user=user, stops=stops)
            messages.success(request, _("%(count)s visits planned.") % {"count": len(made)})
            return HttpResponseRedirect(f"/dispatch/?day={day.isoformat()}")
        plan = planning.day_plan_suggest(user=user, day=day, seconds=5.0,
                                         compare_seconds=25.0 if longer else 0.0,
                                         zone=timezone.get_current_timezone_name())  # fmt: skip
    except PermissionDenied as exc:
        return HttpResponse(exc.message, status=403, content_type="text/plain")
    except DomainError as exc:
        messages.error(request, _("Not saved: %s") % (field_errors(exc.fields) or exc.message))
        return HttpResponseRedirect(f"/dispatch/plan/?day={day.isoformat()}")
    gain = None
    if plan.longer_km is not None and plan.distance_km:
        gain = round((plan.distance_km - plan.longer_km) / plan.distance_km * 100, 1)
    return render(request, "desk/dispatch_plan.html", {"nav": "dispatch", "plan": plan,
                                                       "day": day, "gain": gain})  # fmt: skip
