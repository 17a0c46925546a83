"""The field-service journey in a real browser: the dispatcher plans a visit by dragging a waiting
ticket onto an engineer's day (a conflicting move is shown before anything is saved); the
engineer, on a phone with a mocked position, checks in, loses the network, ticks the checklist,
takes a photo, gets the client's signature and checks out; back online, the queue is sent and the
ticket shows each of those once; the client sees the visit in the portal."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import holidays
import pytest
from django.utils import timezone

from deskline.accounts.models import Role
from deskline.fieldwork.models import (
    ChecklistTemplate,
    EngineerProfile,
    TicketChecklistItem,
    TimeEntry,
    Visit,
)
from deskline.tickets.models import TicketEvent, TicketType
from deskline.tickets.services import ticket_create
from tests.e2e.conftest import desk_login, portal_login, shot
from tests.factories import (
    AdminFactory,
    ContactFactory,
    ContactUserFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", (60, 24), (20, 40, 160, 255)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


def _world(dispatch: Any) -> dict[str, Any]:
    dispatcher = AdminFactory(username="dispatcher", time_zone="UTC")
    engineer = UserFactory(username="ivan", first_name="Ivan", last_name="Petrov",
                           role=Role.AGENT, time_zone="UTC")  # fmt: skip
    EngineerProfile.objects.create(user=engineer, weekdays=list(range(7)), time_zone="UTC",
                                   day_start=dt.time(6), day_end=dt.time(22),
                                   home_latitude=Decimal("55.70"),
                                   home_longitude=Decimal("37.50"))  # fmt: skip
    site = SiteFactory(name="Cafe Pushkin kitchen", latitude=Decimal("55.763800"),
                       longitude=Decimal("37.604900"))  # fmt: skip
    contact = ContactFactory(company=site.company, email="olga@cafe.example", name="Olga")
    ContactUserFactory(username="olga", email="olga@cafe.example", contact=contact)
    kind = TicketType.objects.create(code="repair", name="On-site repair", needs_visit=True)
    template = ChecklistTemplate.objects.create(name="Fridge service")
    template.ticket_types.add(kind)
    template.items.create(order=1, text="Check the compressor", required=True)
    template.items.create(order=2, text="Photo of the thermometer", kind="photo", required=True)
    ticket = ticket_create(actor=dispatcher, title="Fridge is warm", company_id=site.company_id,
                           contact_id=contact.pk, site_id=site.pk, type_id=kind.pk)  # fmt: skip
    dispatch()  # the checklist reaches the ticket
    return {"engineer": engineer, "ticket": ticket, "site": site}


def _working_day() -> dt.date:
    """The next day the default calendar (Moscow business hours, Russian holidays) is open."""
    russian = holidays.country_holidays("RU")
    day = timezone.localdate() + dt.timedelta(days=1)
    while day.weekday() >= 5 or day in russian:
        day += dt.timedelta(days=1)
    return day


def _lane_point(page: Any, selector: str, hour: float) -> dict[str, float]:
    box = page.locator(selector).bounding_box()
    return {"x": box["width"] * hour / 24, "y": box["height"] / 2}


def _wait_queue(page: Any, waiting: int, sent: int) -> None:
    """Until `waiting` actions wait in the phone's queue and `sent` were sent in all."""
    for _ in range(200):
        state = page.evaluate("[document.getElementById('field-queue').dataset.count,"
                              " document.body.dataset.sent]")  # fmt: skip
        if state == [str(waiting), str(sent)]:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the queue never reached {waiting} waiting, {sent} sent: {state}")


def test_plan_by_dragging_work_offline_on_the_phone_and_the_client_sees_it(
    live_server: Any, page: Any, browser: Any, tmp_path: Path, dispatch: Any
) -> None:
    world = _world(dispatch)
    ticket, engineer = world["ticket"], world["engineer"]
    base = live_server.url
    day = _working_day()

    desk_login(page, base, "dispatcher")
    page.goto(f"{base}/dispatch/?day={day.isoformat()}&days=1")
    lane = f".board-lane[data-engineer='{engineer.pk}']"
    page.drag_and_drop(f".waiting-ticket[data-ticket='{ticket.number}']", lane,
                       target_position=_lane_point(page, lane, 10.1))  # fmt: skip
    page.wait_for_selector(f"{lane} .visit-block")
    visit = Visit.objects.get(ticket=ticket)
    assert visit.planned_start == dt.datetime.combine(day, dt.time(10), dt.UTC)
    assert visit.planned_end - visit.planned_start == dt.timedelta(hours=1)
    # Moving it to 02:00 is outside the engineer's hours: the conflict shows, nothing is saved.
    page.drag_and_drop(f"{lane} .visit-block", lane, target_position=_lane_point(page, lane, 2))
    page.wait_for_selector("#dispatch-dialog:not([hidden])")
    assert "working hours" in page.inner_text("#dispatch-conflicts")
    shot(page, "dispatch-conflict")
    page.click("#dispatch-cancel")
    visit.refresh_from_db()
    assert visit.planned_start.hour == 10 and visit.version == 1

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True, geolocation={"latitude": 55.7639,
                                                             "longitude": 37.6050},
                                permissions=["geolocation"], locale="en-US")  # fmt: skip
    phone.set_default_timeout(15_000)
    app = phone.new_page()
    desk_login(app, base, "ivan")
    app.goto(f"{base}/field/")
    app.click(f"a[href='/field/visits/{visit.pk}/']")
    app.wait_for_selector("body[data-cached='1']")
    app.get_by_role("button", name="Check in").click()
    _wait_queue(app, 0, 1)
    visit.refresh_from_db()
    assert visit.status == "on_site" and visit.check_in_distance_m is not None
    assert visit.check_in_distance_m < 50

    phone.set_offline(True)
    step = app.locator("form.field-step", has_text="Check the compressor")
    step.get_by_role("button", name="Done").click()
    photo = tmp_path / "thermometer.png"
    photo.write_bytes(PNG)
    photo_step = app.locator("form.field-step", has_text="Photo of the thermometer")
    photo_step.locator("input[type=file]").set_input_files(str(photo))
    photo_step.get_by_role("button", name="Done").click()
    app.locator("#signature-pad").scroll_into_view_if_needed()
    box = app.locator("#signature-pad").bounding_box()
    app.mouse.move(box["x"] + 20, box["y"] + 80)
    app.mouse.down()
    for x in range(30, 300, 15):
        app.mouse.move(box["x"] + x, box["y"] + 80 + (x % 40) - 20)
    app.mouse.up()
    assert app.evaluate("document.getElementById('signature-pad').dataset.signed") == "1"
    app.fill("input[name=signed_by]", "Olga Smirnova")
    app.get_by_role("button", name="Save signature").click()
    app.get_by_role("button", name="Done: check out").click()
    _wait_queue(app, 4, 1)
    shot(app, "field-offline-queue")
    assert not TicketChecklistItem.objects.filter(done_at__isnull=False).exists()

    phone.set_offline(False)
    _wait_queue(app, 0, 5)
    visit.refresh_from_db()
    assert visit.status == "done" and visit.signed_by == "Olga Smirnova"
    assert visit.signature is not None and visit.check_out_distance_m is not None
    assert set(TicketChecklistItem.objects.values_list("done_by", flat=True)) == {engineer.pk}
    kinds = list(TicketEvent.objects.filter(ticket=ticket, kind__in=[
        "visit_status", "checklist_ticked", "visit_recorded"]).values_list("kind", flat=True))  # fmt: skip
    assert sorted(kinds) == ["checklist_ticked", "checklist_ticked", "visit_recorded",
                             "visit_status", "visit_status"]  # fmt: skip
    # Check-out kept the phone's own time, after the check-in (the minutes on site become a time
    # entry; here they are seconds, below the half-minute a time entry needs).
    assert visit.checked_in_at is not None and visit.checked_out_at is not None
    assert visit.checked_in_at < visit.checked_out_at
    assert not TimeEntry.objects.filter(ticket=ticket, kind="on_site").exists()
    phone.close()

    page.goto(f"{base}/tickets/{ticket.number}/")
    visits_panel = page.locator("ul.visits").inner_text()
    assert "Signed by Olga Smirnova" in visits_panel and "thermometer.png" in visits_panel

    client = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    portal = client.new_page()
    portal_login(portal, base, "olga@cafe.example")
    portal.goto(f"{base}/portal/tickets/{ticket.number}/")
    seen = portal.locator("#visits").inner_text()
    assert "Cafe Pushkin kitchen" in seen and "Ivan Petrov" in seen and "Olga Smirnova" in seen
    client.close()
