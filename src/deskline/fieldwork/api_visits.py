"""REST endpoints of visits, the dispatcher's conflict check and day plan, and field engineers
(thin adapters over fieldwork's services and selectors). A client's contact reads the visits of
their tickets without positions or distances; everything else is staff only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Router
from ninja import Status as Created
from ninja.files import UploadedFile
from pydantic import Field

from deskline.accounts.api_auth import request_user
from deskline.accounts.models import User
from deskline.core.errors import NotFound
from deskline.core.permissions import require_staff
from deskline.core.schema import InSchema, OutSchema
from deskline.fieldwork import planning, visit_selectors, visits
from deskline.fieldwork.models import EngineerProfile, Visit

router = Router(tags=["visits"])


class VisitOut(OutSchema):
    id: int
    ticket: int
    site_id: int
    site: str
    engineers: list[str]
    planned_start: dt.datetime
    planned_end: dt.datetime
    status: str
    failure_reason: str
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None
    materials: str
    signed_by: str
    version: int
    check_in_distance_m: int | None = None
    check_out_distance_m: int | None = None


class VisitProposalIn(InSchema):
    ticket: int
    engineer_ids: list[int] = Field(min_length=1)
    start: dt.datetime
    end: dt.datetime
    site_id: int | None = None


class VisitPlanIn(VisitProposalIn):
    force: bool = Field(False, description="Plan despite the conflicts found")


class VisitMoveIn(InSchema):
    start: dt.datetime
    end: dt.datetime
    engineer_ids: list[int] | None = None
    force: bool = False


class VisitCheckIn(VisitProposalIn):
    visit_id: int | None = Field(None, description="The visit being moved, if any")


class VisitConflictOut(OutSchema):
    engineer: str
    code: str
    text: str


class VisitPositionIn(InSchema):
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    at: dt.datetime | None = Field(None, description="When it happened on the phone")


class VisitReasonIn(InSchema):
    reason: str = Field("", max_length=500)


class VisitTextIn(InSchema):
    text: str = Field("", max_length=5000)


class EngineerOut(OutSchema):
    id: int
    username: str
    name: str
    home_latitude: float | None
    home_longitude: float | None
    last_latitude: float | None
    last_longitude: float | None
    last_seen_at: dt.datetime | None


class PlanStopOut(OutSchema):
    ticket: int
    start: dt.datetime
    end: dt.datetime
    late_by_minutes: int


class PlanRouteOut(OutSchema):
    engineer_id: int
    stops: list[PlanStopOut]


class DayPlanOut(OutSchema):
    day: dt.date
    routes: list[PlanRouteOut]
    unassigned: list[int]
    distance_km: float
    greedy_km: float
    late: int
    greedy_late: int
    seconds: float
    longer_km: float | None


class DayPlanIn(InSchema):
    day: dt.date
    seconds: float = Field(3.0, gt=0, le=60)
    compare_seconds: float = Field(0.0, ge=0, le=120, description="Also search this long")
    apply: bool = Field(False, description="Plan the suggested visits")


def visit_out(v: Visit, *, for_client: bool) -> dict[str, Any]:
    out = {"id": v.pk, "ticket": v.ticket.number, "site_id": v.site_id, "site": v.site.name,
           "engineers": [e.get_full_name() or e.username for e in v.engineers.all()],
           "planned_start": v.planned_start, "planned_end": v.planned_end, "status": v.status,
           "failure_reason": v.failure_reason, "checked_in_at": v.checked_in_at,
           "checked_out_at": v.checked_out_at, "materials": v.materials,
           "signed_by": v.signed_by, "version": v.version}  # fmt: skip
    if not for_client:
        out["check_in_distance_m"] = v.check_in_distance_m
        out["check_out_distance_m"] = v.check_out_distance_m
    return out


def _one(user: User, visit_id: int) -> dict[str, Any]:
    rows = visit_selectors.visits_for(user=user, after_id=visit_id - 1, limit=1)
    if not rows or rows[0].pk != visit_id:
        raise NotFound(f"visit {visit_id} not found")
    return visit_out(rows[0], for_client=user.is_client)


@router.get("/visits", response=list[VisitOut], summary="Visits (clients: of their tickets)")
def list_visits(
    request: HttpRequest, start: dt.datetime | None = None, end: dt.datetime | None = None,
    engineer: int | None = None, ticket: int | None = None, after_id: int = 0, limit: int = 100,
) -> list[dict[str, Any]]:  # fmt: skip
    user = request_user(request)
    rows = visit_selectors.visits_for(user=user, start=start, end=end, engineer_id=engineer,
                                      number=ticket, after_id=after_id,
                                      limit=max(1, min(limit, 500)))  # fmt: skip
    return [visit_out(v, for_client=user.is_client) for v in rows]


@router.post("/visits", response={201: VisitOut}, summary="Plan a visit (conflicts refuse it)")
def plan_visit(request: HttpRequest, payload: VisitPlanIn) -> Created[dict[str, Any]]:
    user = request_user(request)
    visit = visits.visit_plan(actor=user, number=payload.ticket, engineer_ids=payload.engineer_ids,
                              start=payload.start, end=payload.end, site_id=payload.site_id,
                              force=payload.force)  # fmt: skip
    return Created(201, _one(user, visit.pk))


@router.post("/visits/conflicts", response=list[VisitConflictOut],
             summary="What is wrong with a proposed visit time (nothing is saved)")  # fmt: skip
def check_conflicts(request: HttpRequest, payload: VisitCheckIn) -> list[dict[str, Any]]:
    user = request_user(request)
    visits.require_planner(user)
    found = visit_selectors.proposal_conflicts(
        user=user, engineer_ids=payload.engineer_ids, start=payload.start, end=payload.end,
        number=None if payload.visit_id else payload.ticket, visit_id=payload.visit_id,
        site_id=payload.site_id, zone=user.time_zone or "",
    )  # fmt: skip
    return [{"engineer": c.engineer, "code": c.code, "text": c.text} for c in found]


@router.get("/visits/{int:visit_id}", response=VisitOut, summary="One visit")
def get_visit(request: HttpRequest, visit_id: int) -> dict[str, Any]:
    return _one(request_user(request), visit_id)


@router.patch("/visits/{int:visit_id}", response=VisitOut, summary="Move a visit")
def move_visit(request: HttpRequest, visit_id: int, payload: VisitMoveIn) -> dict[str, Any]:
    user = request_user(request)
    visits.visit_move(actor=user, visit_id=visit_id, start=payload.start, end=payload.end,
                      engineer_ids=payload.engineer_ids, force=payload.force)  # fmt: skip
    return _one(user, visit_id)


def _progress(request: HttpRequest, visit_id: int, status: str, position: VisitPositionIn | None,
              reason: str = "") -> dict[str, Any]:  # fmt: skip
    user = request_user(request)
    visits.visit_progress(actor=user, visit_id=visit_id, status=status,
                          at=position.at if position else None,
                          latitude=position.latitude if position else None,
                          longitude=position.longitude if position else None,
                          reason=reason)  # fmt: skip
    return _one(user, visit_id)


@router.post("/visits/{int:visit_id}/en-route", response=VisitOut, summary="Set off")
def en_route(request: HttpRequest, visit_id: int, payload: VisitPositionIn) -> dict[str, Any]:
    return _progress(request, visit_id, "en_route", payload)


@router.post("/visits/{int:visit_id}/check-in", response=VisitOut,
             summary="Check in on site (with the phone's position)")  # fmt: skip
def check_in(request: HttpRequest, visit_id: int, payload: VisitPositionIn) -> dict[str, Any]:
    return _progress(request, visit_id, "on_site", payload)


@router.post("/visits/{int:visit_id}/check-out", response=VisitOut,
             summary="Check out: the visit is done")  # fmt: skip
def check_out(request: HttpRequest, visit_id: int, payload: VisitPositionIn) -> dict[str, Any]:
    return _progress(request, visit_id, "done", payload)


@router.post("/visits/{int:visit_id}/cancel", response=VisitOut, summary="Cancel a visit")
def cancel(request: HttpRequest, visit_id: int) -> dict[str, Any]:
    return _progress(request, visit_id, "cancelled", None)


@router.post("/visits/{int:visit_id}/fail", response=VisitOut,
             summary="The visit failed (with the reason)")  # fmt: skip
def fail(request: HttpRequest, visit_id: int, payload: VisitReasonIn) -> dict[str, Any]:
    return _progress(request, visit_id, "failed", None, payload.reason)


@router.put("/visits/{int:visit_id}/materials", response=VisitOut, summary="Materials used")
def materials(request: HttpRequest, visit_id: int, payload: VisitTextIn) -> dict[str, Any]:
    user = request_user(request)
    visits.visit_materials_set(actor=user, visit_id=visit_id, text=payload.text)
    return _one(user, visit_id)


@router.post("/visits/{int:visit_id}/signature", response=VisitOut,
             summary="The client's signature (a PNG image)")  # fmt: skip
def signature(request: HttpRequest, visit_id: int, file: File[UploadedFile],
              signed_by: Form[str]) -> dict[str, Any]:  # fmt: skip
    user = request_user(request)
    visits.visit_sign(actor=user, visit_id=visit_id, png=file.read(), signed_by=signed_by)
    return _one(user, visit_id)


@router.post("/visits/{int:visit_id}/photos", response={201: VisitOut}, summary="Add a photo")
def photo(request: HttpRequest, visit_id: int, file: File[UploadedFile]) -> Created[dict[str, Any]]:
    user = request_user(request)
    visits.visit_photo_add(actor=user, visit_id=visit_id, filename=file.name or "photo",
                           content=file, size=file.size or 0)  # fmt: skip
    return Created(201, _one(user, visit_id))


@router.get("/engineers", response=list[EngineerOut],
            summary="Field engineers with home base and last known position (staff)")  # fmt: skip
def engineers(request: HttpRequest) -> list[dict[str, Any]]:
    require_staff(request_user(request))

    def num(value: object) -> float | None:
        return float(str(value)) if value is not None else None

    return [{"id": p.user_id, "username": p.user.username,
             "name": p.user.get_full_name() or p.user.username,
             "home_latitude": num(p.home_latitude), "home_longitude": num(p.home_longitude),
             "last_latitude": num(p.last_latitude), "last_longitude": num(p.last_longitude),
             "last_seen_at": p.last_seen_at}
            for p in EngineerProfile.objects.filter(is_active=True).select_related("user")
            .order_by("user__username")]  # fmt: skip


@router.post("/dispatch/day-plan", response=DayPlanOut,
             summary="Suggest (or apply) a day plan for the waiting tickets")  # fmt: skip
def day_plan(request: HttpRequest, payload: DayPlanIn) -> dict[str, Any]:
    user = request_user(request)
    plan = planning.day_plan_suggest(user=user, day=payload.day,
                                     zone=user.time_zone or timezone.get_current_timezone_name(),
                                     seconds=payload.seconds,
                                     compare_seconds=payload.compare_seconds)  # fmt: skip
    if payload.apply:
        planning.day_plan_apply(user=user, stops=planning.accepted_stops(plan))
    return {"day": plan.day, "distance_km": plan.distance_km, "greedy_km": plan.greedy_km,
            "late": plan.late, "greedy_late": plan.greedy_late, "seconds": plan.seconds,
            "longer_km": plan.longer_km, "unassigned": [t.number for t in plan.unassigned],
            "routes": [{"engineer_id": p.user_id, "stops": [
                {"ticket": s.ticket.number, "start": s.start, "end": s.end,
                 "late_by_minutes": s.late_by} for s in stops]} for p, stops in plan.routes]}  # fmt: skip
