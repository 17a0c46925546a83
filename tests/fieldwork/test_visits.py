"""Visits: planning with conflict checks, moving, progress on site with time entries, photos,
signature, materials, the client's notifications, and the phone's queue applied exactly once."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from deskline.accounts.models import Role
from deskline.core.errors import NotFound, PermissionDenied, ValidationFailed
from deskline.fieldwork.models import EngineerProfile, TimeEntry, VisitAction
from deskline.fieldwork.sync import FieldAction, field_action_apply
from deskline.fieldwork.visit_selectors import dispatch_board, waiting_for_visit
from deskline.fieldwork.visits import (
    visit_materials_set,
    visit_move,
    visit_plan,
    visit_progress,
    visit_sign,
)
from deskline.notifications.models import Outbox
from deskline.tickets.models import TicketType
from tests.factories import ContactFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", (60, 24), (20, 40, 160, 255)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


def tomorrow(hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, minute), dt.UTC)


@pytest.fixture
def engineer() -> Any:
    user = UserFactory(username="ivan", role=Role.AGENT, first_name="Ivan", last_name="Petrov")
    EngineerProfile.objects.create(user=user, time_zone="UTC", home_latitude=Decimal("55.75"),
                                   home_longitude=Decimal("37.61"))  # fmt: skip
    return user


@pytest.fixture
def site() -> Any:
    return SiteFactory(name="Shop on Tverskaya", latitude=Decimal("55.765"),
                       longitude=Decimal("37.605"))  # fmt: skip


@pytest.fixture
def ticket(make_ticket: Any, site: Any) -> Any:
    contact = ContactFactory(company=site.company, email="client@example.com")
    visit_type = TicketType.objects.create(code="onsite", name="On site", needs_visit=True)
    return make_ticket(title="Cash register does not print", company_id=site.company_id,
                       contact_id=contact.pk, site_id=site.pk, type_id=visit_type.pk)  # fmt: skip


def plan(admin: Any, ticket: Any, engineer: Any, start: int = 10, end: int = 12, **kw: Any) -> Any:
    return visit_plan(actor=admin, number=ticket.number, engineer_ids=[engineer.pk],
                      start=tomorrow(start), end=tomorrow(end), **kw)  # fmt: skip


def test_a_planned_visit_is_in_the_history_and_the_engineer_observes_the_ticket(
    admin: Any, ticket: Any, engineer: Any
) -> None:
    visit = plan(admin, ticket, engineer)
    assert visit.site == ticket.site and list(visit.engineers.all()) == [engineer]
    event = ticket.events.get(kind="visit_planned")
    assert event.data["visit_id"] == visit.pk and event.data["engineers"] == ["ivan"]
    assert engineer in ticket.observers.all()


def test_an_overlapping_visit_is_refused_with_the_reason_unless_forced(
    admin: Any, ticket: Any, engineer: Any, make_ticket: Any
) -> None:
    plan(admin, ticket, engineer)
    other = make_ticket(title="Second", company_id=ticket.company_id, site_id=ticket.site_id)
    with pytest.raises(ValidationFailed) as refused:
        plan(admin, other, engineer, 11, 13)
    assert "already has a visit" in refused.value.fields["start"]
    assert plan(admin, other, engineer, 11, 13, force=True).pk


def test_a_visit_outside_the_engineers_hours_is_refused(admin: Any, ticket: Any,
                                                       engineer: Any) -> None:  # fmt: skip
    with pytest.raises(ValidationFailed, match="conflicts") as refused:
        plan(admin, ticket, engineer, 19, 20)
    assert "working hours" in refused.value.fields["start"]


def test_only_field_engineers_go_on_visits(admin: Any, ticket: Any) -> None:
    office = UserFactory(role=Role.AGENT)
    with pytest.raises(ValidationFailed, match="not a field engineer"):
        plan(admin, ticket, office)


def test_contractors_do_not_plan_visits(ticket: Any, engineer: Any) -> None:
    contractor = UserFactory(role=Role.CONTRACTOR)
    with pytest.raises((PermissionDenied, NotFound)):
        plan(contractor, ticket, engineer)


def test_moving_a_visit_bumps_its_version_and_records_where_it_was(
    admin: Any, ticket: Any, engineer: Any
) -> None:
    visit = plan(admin, ticket, engineer)
    moved = visit_move(actor=admin, visit_id=visit.pk, start=tomorrow(14), end=tomorrow(15))
    assert moved.version == 2
    event = ticket.events.filter(kind="visit_planned").order_by("-pk").first()
    assert event is not None and event.data["previous_start"].startswith(
        tomorrow(10).isoformat()[:16])  # fmt: skip


def test_check_in_and_out_record_distances_and_log_travel_and_site_time(
    admin: Any, ticket: Any, engineer: Any
) -> None:
    visit = plan(admin, ticket, engineer)
    now = timezone.now()
    visit_progress(actor=engineer, visit_id=visit.pk, status="en_route",
                   at=now - dt.timedelta(minutes=90))  # fmt: skip
    visit_progress(actor=engineer, visit_id=visit.pk, status="on_site", latitude="55.7651",
                   longitude="37.6051", at=now - dt.timedelta(minutes=60))  # fmt: skip
    done = visit_progress(actor=engineer, visit_id=visit.pk, status="done", at=now,
                          latitude=55.765, longitude=37.605)  # fmt: skip
    assert done.check_in_distance_m is not None and done.check_in_distance_m < 30
    assert done.check_out_distance_m == 0
    entries = {e.kind: e.minutes for e in TimeEntry.objects.filter(ticket=ticket, user=engineer)}
    assert entries == {"travel": 30, "on_site": 60}
    profile = EngineerProfile.objects.get(user=engineer)
    assert profile.last_latitude == Decimal("55.765000")


def test_a_done_visit_cannot_be_checked_in_again(admin: Any, ticket: Any, engineer: Any) -> None:
    visit = plan(admin, ticket, engineer)
    visit_progress(actor=engineer, visit_id=visit.pk, status="on_site")
    visit_progress(actor=engineer, visit_id=visit.pk, status="done")
    with pytest.raises(ValidationFailed, match="cannot become on_site"):
        visit_progress(actor=engineer, visit_id=visit.pk, status="on_site")


def test_a_failed_visit_needs_a_reason(admin: Any, ticket: Any, engineer: Any) -> None:
    visit = plan(admin, ticket, engineer)
    with pytest.raises(ValidationFailed, match="say why"):
        visit_progress(actor=engineer, visit_id=visit.pk, status="failed")
    failed = visit_progress(actor=engineer, visit_id=visit.pk, status="failed",
                            reason="Shop closed")  # fmt: skip
    assert failed.failure_reason == "Shop closed"


def test_signature_and_materials_are_kept_on_the_visit(admin: Any, ticket: Any,
                                                      engineer: Any) -> None:  # fmt: skip
    visit = plan(admin, ticket, engineer)
    visit_sign(actor=engineer, visit_id=visit.pk, png=PNG, signed_by="Anna Smirnova")
    visit_materials_set(actor=engineer, visit_id=visit.pk, text="Thermal head KT-2, 1 pc")
    visit.refresh_from_db()
    assert visit.signed_by == "Anna Smirnova" and visit.signature is not None
    assert visit.signature.ticket_id == ticket.pk and visit.materials.startswith("Thermal")
    with pytest.raises(ValidationFailed, match="not a PNG"):
        visit_sign(actor=engineer, visit_id=visit.pk, png=b"GIF89a", signed_by="x")


def test_the_client_hears_the_engineer_is_on_the_way_and_that_the_visit_is_done(
    admin: Any, ticket: Any, engineer: Any, dispatch: Any
) -> None:
    visit = plan(admin, ticket, engineer)
    visit_progress(actor=engineer, visit_id=visit.pk, status="en_route")
    visit_progress(actor=engineer, visit_id=visit.pk, status="on_site")
    visit_progress(actor=engineer, visit_id=visit.pk, status="done")
    dispatch()
    sent = {o.event: o for o in Outbox.objects.filter(recipient="client@example.com")}
    assert "Ivan Petrov" in sent["engineer_en_route"].body
    assert "Shop on Tverskaya" in sent["visit_done"].body


def test_a_ticket_waits_on_the_board_until_it_has_a_visit(admin: Any, ticket: Any,
                                                         engineer: Any) -> None:  # fmt: skip
    assert [t.pk for t in waiting_for_visit(admin)] == [ticket.pk]
    plan(admin, ticket, engineer)
    assert waiting_for_visit(admin) == []


def test_the_board_places_a_visit_on_its_engineers_row(admin: Any, ticket: Any,
                                                      engineer: Any) -> None:  # fmt: skip
    visit = plan(admin, ticket, engineer, 6, 12, force=True)
    board = dispatch_board(user=admin, first=tomorrow(0).date(), days=1, zone="UTC")
    (row,) = board.rows
    (block,) = row.visits
    assert block.id == visit.pk and (block.left, block.width) == (25.0, 25.0)


def _action(visit: Any, kind: str, client_id: str, **values: Any) -> FieldAction:
    return FieldAction(client_id=client_id, kind=kind, visit_id=visit.pk,
                       client_time=timezone.now(), seen_version=values.pop("seen", 1),
                       values=values)  # fmt: skip


def test_a_resent_action_is_applied_once(admin: Any, ticket: Any, engineer: Any) -> None:
    visit = plan(admin, ticket, engineer)
    first = field_action_apply(actor=engineer, action=_action(visit, "check_in", "a-1"))
    again = field_action_apply(actor=engineer, action=_action(visit, "check_in", "a-1"))
    assert first.pk == again.pk and first.outcome == "applied"
    assert ticket.events.filter(kind="visit_status").count() == 1


def test_an_action_on_a_moved_visit_applies_and_reports_the_conflict(
    admin: Any, ticket: Any, engineer: Any
) -> None:
    visit = plan(admin, ticket, engineer)
    visit_move(actor=admin, visit_id=visit.pk, start=tomorrow(13), end=tomorrow(14))
    row = field_action_apply(actor=engineer, action=_action(visit, "check_in", "b-1", seen=1))
    assert row.outcome == "conflict" and "changed while you were offline" in row.message
    visit.refresh_from_db()
    assert visit.status == "on_site"


def test_an_action_that_cannot_apply_is_refused_and_kept(admin: Any, ticket: Any,
                                                        engineer: Any) -> None:  # fmt: skip
    visit = plan(admin, ticket, engineer)
    visit_progress(actor=admin, visit_id=visit.pk, status="cancelled")
    row = field_action_apply(actor=engineer, action=_action(visit, "check_in", "c-1"))
    assert row.outcome == "refused" and "cannot become" in row.message
    assert VisitAction.objects.filter(client_id="c-1").count() == 1


def test_a_photo_from_the_phone_is_stored_on_the_ticket(admin: Any, ticket: Any,
                                                       engineer: Any) -> None:  # fmt: skip
    visit = plan(admin, ticket, engineer)
    action = FieldAction(client_id="p-1", kind="photo", visit_id=visit.pk,
                         client_time=timezone.now(), upload=io.BytesIO(PNG),
                         upload_name="meter.png", upload_size=len(PNG))  # fmt: skip
    row = field_action_apply(actor=engineer, action=action)
    assert row.outcome == "applied" and row.payload["file"]["name"] == "meter.png"
    assert visit.photos.get().attachment.filename == "meter.png"


def test_the_day_plan_page_suggests_and_plans_the_waiting_ticket(
    admin: Any, ticket: Any, engineer: Any, client: Any
) -> None:
    from deskline.fieldwork.models import Visit

    ticket.site.latitude, ticket.site.longitude = Decimal("55.76"), Decimal("37.61")
    ticket.site.save()
    EngineerProfile.objects.filter(user=engineer).update(weekdays=list(range(7)))
    client.force_login(admin)
    day = tomorrow(0).date().isoformat()
    page = client.get(f"/dispatch/plan/?day={day}").content.decode()
    assert f"#{ticket.number}" in page
    stop = page.split('name="stop" value="')[1].split('"')[0]
    response = client.post("/dispatch/plan/", {"day": day, "stop": stop})
    assert response.status_code == 302
    (visit,) = Visit.objects.filter(ticket=ticket)
    assert list(visit.engineers.all()) == [engineer]


def test_the_conflicts_endpoint_reports_an_overlap_and_saves_nothing(
    admin: Any, ticket: Any, engineer: Any, admin_api: Any
) -> None:
    from deskline.fieldwork.models import Visit

    visit = plan(admin, ticket, engineer)
    body = {"ticket": ticket.number, "engineer_ids": [engineer.pk],
            "start": tomorrow(11).isoformat(), "end": tomorrow(12).isoformat()}  # fmt: skip
    (found,) = admin_api.post("visits/conflicts", body).json()
    assert found["code"] == "overlap" and Visit.objects.count() == 1
    moving = admin_api.post("visits/conflicts", {**body, "visit_id": visit.pk}).json()
    assert moving == []  # a visit does not conflict with itself
