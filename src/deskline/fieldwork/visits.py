"""Writes of visits: plan and move (with the conflict checks), progress on site (en route, check
in, done, cancelled, failed), photos, the client's signature and materials. Each write records
one event in the ticket's history; check-out turns the time on site (and the drive there) into
time entries. The engineers of a visit observe its ticket, so they can open it and work on it."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import IO

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from PIL import Image

from deskline.accounts.models import Role, User
from deskline.core.errors import NotFound, PermissionDenied, ValidationFailed
from deskline.core.permissions import require_staff
from deskline.fieldwork import visit_selectors as field_selectors
from deskline.fieldwork.geo import Point, distance_m, point_or_none
from deskline.fieldwork.models import (
    FINISHED_VISIT,
    EngineerProfile,
    TimeKind,
    Visit,
    VisitPhoto,
    VisitStatus,
)
from deskline.fieldwork.payloads import VisitPlanned, VisitProgress, VisitRecorded
from deskline.fieldwork.services import time_entry_add
from deskline.tickets.access import ticket_get_visible
from deskline.tickets.conversation import attachment_add
from deskline.tickets.events import event_record
from deskline.tickets.services import ticket_update

#: Who moves visits around: everyone on staff but contractors.
PLANNERS = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.DISPATCHER, Role.AGENT})
#: Where a visit may go from each status (check-in is "on_site", check-out is "done").
NEXT_STATUS = {
    VisitStatus.PLANNED: {VisitStatus.EN_ROUTE, VisitStatus.ON_SITE, VisitStatus.CANCELLED,
                          VisitStatus.FAILED},
    VisitStatus.EN_ROUTE: {VisitStatus.ON_SITE, VisitStatus.CANCELLED, VisitStatus.FAILED},
    VisitStatus.ON_SITE: {VisitStatus.DONE, VisitStatus.FAILED},
}  # fmt: skip


def require_planner(actor: User) -> None:
    require_staff(actor)
    if not (actor.is_superuser or actor.role in PLANNERS):
        raise PermissionDenied("only dispatchers and agents plan visits")


def _aware(value: dt.datetime, name: str) -> dt.datetime:
    if timezone.is_naive(value):
        raise ValidationFailed("give a time with its zone", fields={name: "needs a time zone"})
    return value


def _engineers(ids: Sequence[int]) -> list[User]:
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        raise ValidationFailed("a visit needs an engineer", fields={"engineer_ids": "required"})
    people = list(User.objects.filter(pk__in=wanted, is_active=True, field_profile__is_active=True))
    if len(people) != len(wanted):
        missing = sorted(set(wanted) - {u.pk for u in people})
        raise ValidationFailed("not a field engineer",
                               fields={"engineer_ids": f"not field engineers: {missing}"})  # fmt: skip
    return people


def _check_window(start: dt.datetime, end: dt.datetime) -> None:
    _aware(start, "start")
    _aware(end, "end")
    if end <= start:
        raise ValidationFailed("the visit ends before it starts", fields={"end": "before start"})
    if end - start > dt.timedelta(days=7):
        raise ValidationFailed("a visit lasts at most a week", fields={"end": "too long"})


def _refuse_conflicts(visit_id: int | None, site_id: int, people: list[User],
                      start: dt.datetime, end: dt.datetime, ticket_id: int) -> None:  # fmt: skip
    found = field_selectors.conflicts_for(
        engineer_ids=[u.pk for u in people], start=start, end=end, site_id=site_id,
        ticket_id=ticket_id, exclude_visit=visit_id,
    )  # fmt: skip
    if found:
        raise ValidationFailed("the visit conflicts with the plan",
                               fields={"start": "; ".join(c.text for c in found)})  # fmt: skip


def _observe(actor: User, ticket_number: int, people: list[User]) -> None:
    ticket = ticket_get_visible(actor, ticket_number)
    current = set(ticket.observers.values_list("pk", flat=True))
    wanted = current | {u.pk for u in people}
    if wanted != current:
        ticket_update(actor=actor, number=ticket_number, changes={"observer_ids": sorted(wanted)})


@transaction.atomic
def visit_plan(
    *, actor: User, number: int, engineer_ids: Sequence[int], start: dt.datetime,
    end: dt.datetime, site_id: int | None = None, force: bool = False,
) -> Visit:  # fmt: skip
    """Plan a visit on a ticket's site (or another site of its company); conflicts refuse it
    unless `force` (the dispatcher saw them and planned anyway)."""
    require_planner(actor)
    ticket = ticket_get_visible(actor, number)
    _check_window(start, end)
    site = field_selectors.visit_site(ticket, site_id)
    people = _engineers(engineer_ids)
    if not force:
        _refuse_conflicts(None, site.pk, people, start, end, ticket.pk)
    _observe(actor, number, people)
    visit = Visit.objects.create(ticket=ticket, site=site, planned_start=start, planned_end=end,
                                 created_by=actor)  # fmt: skip
    visit.engineers.set(people)
    event_record(ticket=ticket, actor=actor, payload=VisitPlanned(
        visit_id=visit.pk, start=start, end=end, engineers=[u.username for u in people]))  # fmt: skip
    return visit


def _locked(actor: User, visit_id: int) -> Visit:
    visit = Visit.objects.select_for_update().filter(pk=visit_id).first()
    if visit is None or not field_selectors.may_see_visit(actor, visit):
        raise NotFound(f"visit {visit_id} not found")
    return visit


@transaction.atomic
def visit_move(
    *, actor: User, visit_id: int, start: dt.datetime, end: dt.datetime,
    engineer_ids: Sequence[int] | None = None, force: bool = False,
) -> Visit:  # fmt: skip
    """Move a visit in time or to other engineers (conflicts refuse it unless `force`)."""
    require_planner(actor)
    visit = _locked(actor, visit_id)
    if visit.status in FINISHED_VISIT:
        raise ValidationFailed("this visit is over", fields={"status": visit.status})
    _check_window(start, end)
    people = (_engineers(engineer_ids) if engineer_ids is not None
              else list(visit.engineers.all()))  # fmt: skip
    if not force:
        _refuse_conflicts(visit.pk, visit.site_id, people, start, end, visit.ticket_id)
    _observe(actor, visit.ticket.number, people)
    before = (visit.planned_start, visit.planned_end)
    visit.planned_start, visit.planned_end = start, end
    visit.version += 1
    visit.save(update_fields=["planned_start", "planned_end", "version", "updated_at"])
    visit.engineers.set(people)
    event_record(ticket=visit.ticket, actor=actor, payload=VisitPlanned(
        visit_id=visit.pk, start=start, end=end, engineers=[u.username for u in people],
        previous_start=before[0], previous_end=before[1]))  # fmt: skip
    return visit


def _position(latitude: object, longitude: object) -> Point | None:
    try:
        return point_or_none(latitude, longitude)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("not a position", fields={"latitude": "a number"}) from exc


def _remember_position(actor: User, where: Point, at: dt.datetime) -> None:
    """The engineer's last known position (an older, late-synced one never overwrites it)."""
    lat, lon = _decimals(where)
    EngineerProfile.objects.filter(user=actor).filter(
        Q(last_seen_at__isnull=True) | Q(last_seen_at__lte=at)
    ).update(last_latitude=lat, last_longitude=lon, last_seen_at=at)


def _when(at: dt.datetime | None) -> dt.datetime:
    """The phone's time of an action, never in the future."""
    now = timezone.now()
    if at is None:
        return now
    return min(_aware(at, "at"), now)


def _log_time(actor: User, visit: Visit, kind: str, start: dt.datetime | None,
              end: dt.datetime) -> None:  # fmt: skip
    if start is None or (end - start) < dt.timedelta(seconds=30):
        return
    minutes = max(1, min(24 * 60, round((end - start).total_seconds() / 60)))
    time_entry_add(actor=actor, number=visit.ticket.number, minutes=minutes, started_at=start,
                   kind=kind, comment=f"visit {visit.pk}")  # fmt: skip


@transaction.atomic
def visit_progress(
    *, actor: User, visit_id: int, status: str, at: dt.datetime | None = None,
    latitude: object = None, longitude: object = None, reason: str = "",
) -> Visit:  # fmt: skip
    """Move a visit on: en route, on site (check-in), done (check-out), cancelled or failed."""
    require_staff(actor)
    visit = _locked(actor, visit_id)
    if status not in NEXT_STATUS.get(VisitStatus(visit.status), set()):
        raise ValidationFailed(f"a visit that is {visit.status} cannot become {status}",
                               fields={"status": "not allowed now"})  # fmt: skip
    if status == VisitStatus.CANCELLED:
        require_planner(actor)
    if status == VisitStatus.FAILED and not reason.strip():
        raise ValidationFailed("say why the visit failed", fields={"reason": "required"})
    when, where = _when(at), _position(latitude, longitude)
    distance = _distance_to_site(visit, where)
    if status == VisitStatus.EN_ROUTE:
        visit.en_route_at = when
    elif status == VisitStatus.ON_SITE:
        visit.checked_in_at, visit.check_in_distance_m = when, distance
        visit.check_in_latitude, visit.check_in_longitude = _decimals(where)
        _log_time(actor, visit, TimeKind.TRAVEL, visit.en_route_at, when)
    elif status == VisitStatus.DONE:
        visit.checked_out_at, visit.check_out_distance_m = when, distance
        visit.check_out_latitude, visit.check_out_longitude = _decimals(where)
        _log_time(actor, visit, TimeKind.ON_SITE, visit.checked_in_at, when)
    visit.status, visit.failure_reason = status, reason.strip()[:500]
    visit.save()
    if where is not None:
        _remember_position(actor, where, when)
    event_record(ticket=visit.ticket, actor=actor, at=when, payload=VisitProgress(
        visit_id=visit.pk, status=status, reason=visit.failure_reason,
        distance_m=distance))  # fmt: skip
    return visit


def _decimals(where: Point | None) -> tuple[Decimal | None, Decimal | None]:
    if where is None:
        return None, None
    return Decimal(f"{where.latitude:.6f}"), Decimal(f"{where.longitude:.6f}")


def _distance_to_site(visit: Visit, where: Point | None) -> int | None:
    site = point_or_none(visit.site.latitude, visit.site.longitude)
    if where is None or site is None:
        return None
    return round(distance_m(where, site))


def _open_visit(actor: User, visit_id: int) -> Visit:
    require_staff(actor)
    visit = _locked(actor, visit_id)
    if visit.status in (VisitStatus.CANCELLED, VisitStatus.FAILED):
        raise ValidationFailed("this visit did not take place", fields={"status": visit.status})
    return visit


@transaction.atomic
def visit_photo_add(*, actor: User, visit_id: int, filename: str, content: IO[bytes], size: int,
                    at: dt.datetime | None = None) -> VisitPhoto:  # fmt: skip
    """A photo taken on the visit: stored on the ticket (internal) and listed on the visit."""
    visit = _open_visit(actor, visit_id)
    attachment = attachment_add(actor=actor, number=visit.ticket.number, filename=filename,
                                content=content, size=size, is_public=False)  # fmt: skip
    photo = VisitPhoto.objects.create(visit=visit, attachment=attachment, taken_at=_when(at))
    event_record(ticket=visit.ticket, actor=actor, payload=VisitRecorded(
        visit_id=visit.pk, what="photo", detail=attachment.filename))  # fmt: skip
    return photo


MAX_SIGNATURE_BYTES = 512 * 1024


def _is_png(data: bytes) -> bool:
    """A whole, readable PNG of a sensible size (it is printed on the act as it is)."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n") or len(data) > MAX_SIGNATURE_BYTES:
        return False
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return image.format == "PNG" and image.width <= 4000 and image.height <= 4000
    except (OSError, SyntaxError, ValueError):
        return False


@transaction.atomic
def visit_sign(*, actor: User, visit_id: int, png: bytes, signed_by: str) -> Visit:
    """The client's signature drawn on the phone, stored as an image on the ticket."""
    visit = _open_visit(actor, visit_id)
    name = signed_by.strip()[:200]
    if not name:
        raise ValidationFailed("who signed?", fields={"signed_by": "required"})
    if not _is_png(png):
        raise ValidationFailed("the signature is not a PNG image", fields={"signature": "PNG"})
    attachment = attachment_add(actor=actor, number=visit.ticket.number,
                                filename=f"signature-visit-{visit.pk}.png",
                                content=io.BytesIO(png), size=len(png), is_public=True)  # fmt: skip
    visit.signature, visit.signed_by = attachment, name
    visit.save(update_fields=["signature", "signed_by", "updated_at"])
    event_record(ticket=visit.ticket, actor=actor, payload=VisitRecorded(
        visit_id=visit.pk, what="signature", detail=name))  # fmt: skip
    return visit


@transaction.atomic
def visit_materials_set(*, actor: User, visit_id: int, text: str) -> Visit:
    visit = _open_visit(actor, visit_id)
    text = text.strip()[:5000]
    if text == visit.materials:
        return visit
    visit.materials = text
    visit.save(update_fields=["materials", "updated_at"])
    event_record(ticket=visit.ticket, actor=actor, payload=VisitRecorded(
        visit_id=visit.pk, what="materials", detail=text[:300]))  # fmt: skip
    return visit
