"""The engineer's phone queue, applied on the server exactly once and in order.

The phone records every action (en route, check-in, a tick, a photo, the signature, materials,
check-out) with its own id and time while it has no network, then sends them one by one, oldest
first. `field_action_apply` stores the action row in the same transaction as its effect, keyed by
(user, the phone's id): a resend after a lost answer finds the row and changes nothing. When the
visit changed on the server since the phone last saw it (the dispatcher moved it), the action is
still applied (it happened) and comes back as a conflict for the engineer and the dispatcher to
see; an action that cannot apply (the visit was cancelled) is refused and kept with its reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from deskline.accounts.models import User
from deskline.core.errors import DomainError, ValidationFailed, field_errors
from deskline.core.permissions import require_staff
from deskline.fieldwork import services, visits
from deskline.fieldwork.models import Visit, VisitAction, VisitPhoto, VisitStatus
from deskline.tickets.conversation import attachment_add

KINDS = ("en_route", "check_in", "check_out", "fail", "tick", "photo", "signature", "materials")


@dataclass(frozen=True)
class FieldAction:
    client_id: str
    kind: str
    visit_id: int
    client_time: dt.datetime
    seen_version: int | None = None
    values: dict[str, Any] = field(default_factory=dict)
    upload: IO[bytes] | None = None
    upload_name: str = ""
    upload_size: int = 0


def _effect(actor: User, action: FieldAction) -> None:
    v, at = action.values, action.client_time
    status = {"en_route": VisitStatus.EN_ROUTE, "check_in": VisitStatus.ON_SITE,
              "check_out": VisitStatus.DONE, "fail": VisitStatus.FAILED}.get(action.kind)  # fmt: skip
    if status is not None:
        visits.visit_progress(actor=actor, visit_id=action.visit_id, status=status, at=at,
                              latitude=v.get("latitude"), longitude=v.get("longitude"),
                              reason=str(v.get("reason", "")))  # fmt: skip
    elif action.kind == "materials":
        visits.visit_materials_set(actor=actor, visit_id=action.visit_id,
                                   text=str(v.get("text", "")))  # fmt: skip
    elif action.kind == "signature":
        if action.upload is None:
            raise ValidationFailed("no signature image", fields={"file": "required"})
        visits.visit_sign(actor=actor, visit_id=action.visit_id, png=action.upload.read(),
                          signed_by=str(v.get("signed_by", "")))  # fmt: skip
    elif action.kind == "photo":
        if action.upload is None:
            raise ValidationFailed("no photo", fields={"file": "required"})
        visits.visit_photo_add(actor=actor, visit_id=action.visit_id,
                               filename=action.upload_name or "photo.jpg", content=action.upload,
                               size=action.upload_size, at=at)  # fmt: skip
    elif action.kind == "tick":
        _tick(actor, action)
    else:
        raise ValidationFailed("unknown action", fields={"kind": ", ".join(KINDS)})


def _tick(actor: User, action: FieldAction) -> None:
    visit = Visit.objects.select_related("ticket").get(pk=action.visit_id)
    attachment_id = None
    if action.upload is not None:
        attachment_id = attachment_add(actor=actor, number=visit.ticket.number,
                                       filename=action.upload_name or "photo.jpg",
                                       content=action.upload, size=action.upload_size,
                                       is_public=False).pk  # fmt: skip
        # A checklist photo taken on a visit is one of the visit's photos too.
        VisitPhoto.objects.create(visit=visit, attachment_id=attachment_id,
                                  taken_at=action.client_time)  # fmt: skip
    services.checklist_tick(actor=actor, number=visit.ticket.number,
                            item_id=int(action.values.get("item_id", 0)),
                            done=bool(action.values.get("done", True)),
                            value=str(action.values.get("value", "")),
                            attachment_id=attachment_id)  # fmt: skip


def _conflict_message(visit: Visit, seen: int | None) -> str:
    if seen is None or seen == visit.version:
        return ""
    return _("The visit was changed while you were offline: now %(start)s–%(end)s.") % {
        "start": visit.planned_start.strftime("%d.%m %H:%M"),
        "end": visit.planned_end.strftime("%H:%M"),
    }


def _stored(action: FieldAction) -> dict[str, Any]:
    data = {k: v for k, v in action.values.items() if k != "file"}
    if action.upload is not None:
        data["file"] = {"name": action.upload_name, "size": action.upload_size}
    return data


def field_action_apply(*, actor: User, action: FieldAction) -> VisitAction:
    """Apply one queued action once: the stored row of a resent id is returned unchanged."""
    require_staff(actor)
    client_id = action.client_id.strip()[:64]
    if not client_id:
        raise ValidationFailed("each action needs its id", fields={"id": "required"})
    done = VisitAction.objects.filter(user=actor, client_id=client_id).first()
    if done is not None:
        return done
    visit = Visit.objects.filter(pk=action.visit_id).first()
    row = VisitAction(user=actor, client_id=client_id, visit=visit, kind=action.kind[:24],
                      payload=_stored(action), client_time=action.client_time,
                      seen_version=action.seen_version)  # fmt: skip
    message = ""
    try:
        with transaction.atomic():
            if visit is not None:
                # Serialise a phone's actions on one visit with the dispatcher's changes.
                visit = Visit.objects.select_for_update().get(pk=visit.pk)
                message = _conflict_message(visit, action.seen_version)
            _effect(actor, action)
            row.outcome = VisitAction.Outcome.CONFLICT if message else VisitAction.Outcome.APPLIED
            row.message = message
            row.save()
            return row
    except IntegrityError:
        return VisitAction.objects.get(user=actor, client_id=client_id)
    except DomainError as exc:
        row.outcome = VisitAction.Outcome.REFUSED
        detail = field_errors(exc.fields)
        row.message = (f"{exc.message} ({detail})" if detail else exc.message)[:500]
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return VisitAction.objects.get(user=actor, client_id=client_id)
    return row
