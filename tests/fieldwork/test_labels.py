"""Equipment QR labels: the site's PDF (staff only), the QR drawn module for module, and the
portal's new-ticket form filled in from a label's address only with the client's own items."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest
import segno
from django.test import Client

from deskline.accounts.models import Role
from deskline.fieldwork import labels
from deskline.tickets.models import Ticket
from tests.factories import ContactUserFactory, EquipmentFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


class RecordingCanvas:
    def __init__(self) -> None:
        self.rects: list[tuple[float, float, float, float]] = []

    def rect(self, x: float, y: float, w: float, h: float, **_: Any) -> None:
        self.rects.append((x, y, w, h))


def test_the_drawn_rectangles_are_exactly_the_dark_modules() -> None:
    text = "https://desk.example/portal/new/?equipment=7&site=3"
    canvas = RecordingCanvas()
    labels._draw_qr(canvas, text, 0, 0, 100)  # type: ignore[arg-type]
    expected = [list(r) for r in segno.make(text, error="m").matrix_iter(scale=1, border=2)]
    size = len(expected)
    module = 100 / size
    drawn = [[0] * size for _ in range(size)]
    for x, y, w, _h in canvas.rects:
        row = size - 1 - round(y / module)
        for col in range(round(x / module), round((x + w) / module)):
            drawn[row][col] = 1
    assert drawn == [[int(bool(v)) for v in r] for r in expected]


def test_a_label_points_to_the_portal_form_with_the_item_and_its_site() -> None:
    item = EquipmentFactory()
    assert labels.label_url("https://desk.example", item) == (
        f"https://desk.example/portal/new/?equipment={item.pk}&site={item.site_id}")  # fmt: skip


def test_staff_print_a_sites_labels_as_a_pdf(tmp_path: Any) -> None:
    site = SiteFactory(name="Shop on Lenina")
    items = [EquipmentFactory(site=site) for _ in range(25)]  # 24 a page: two pages
    browser = Client()
    browser.force_login(UserFactory(role=Role.AGENT))
    response = browser.get(f"/sites/{site.pk}/labels.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "labels.pdf"
    path.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert re.search(r"^Pages:\s+2$", info.stdout, re.M), info.stdout
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    assert items[0].serial_number in text and "Shop on Lenina" in text


def test_clients_do_not_print_labels() -> None:
    site = SiteFactory()
    browser = Client()
    browser.force_login(ContactUserFactory(contact__company=site.company))
    response = browser.get(f"/sites/{site.pk}/labels.pdf")
    assert response.status_code == 302 and response["Location"] == "/portal/"


def _form(user: Any, query: str) -> str:
    browser = Client()
    browser.force_login(user)
    return browser.get(f"/portal/new/{query}").content.decode()


def test_a_scanned_label_fills_in_the_clients_own_equipment_and_site() -> None:
    item = EquipmentFactory()
    page = _form(ContactUserFactory(contact__company=item.company),
                 f"?equipment={item.pk}&site={item.site_id}")  # fmt: skip
    assert f'<option value="{item.pk}" selected>' in page
    assert f'<option value="{item.site_id}" selected>' in page


def test_another_companys_label_fills_in_nothing_and_says_so() -> None:
    mine, theirs = EquipmentFactory(), EquipmentFactory()
    page = _form(ContactUserFactory(contact__company=mine.company),
                 f"?equipment={theirs.pk}&site={theirs.site_id}")  # fmt: skip
    for name in ("equipment", "site"):
        select = page.split(f'id="id_{name}"')[1].split("</select>")[0]
        assert select.count("selected") == 1 and '<option value="" selected>' in select
    offered = page.split('id="id_equipment"')[1].split("</select>")[0]
    assert f'value="{theirs.pk}"' not in offered
    assert "not registered to your company" in page


def test_scanning_before_login_comes_back_to_the_filled_form() -> None:
    response = Client().get("/portal/new/?equipment=5&site=2")
    assert response.status_code == 302
    assert "next=%2Fportal%2Fnew%2F%3Fequipment%3D5%26site%3D2" in response["Location"]


def test_the_filled_form_creates_the_ticket_on_that_equipment() -> None:
    item = EquipmentFactory()
    browser = Client()
    browser.force_login(ContactUserFactory(contact__company=item.company))
    from deskline.tickets.models import TicketType

    response = browser.post(
        f"/portal/new/?equipment={item.pk}&site={item.site_id}",
        {"title": "Paper jam", "description": "It jams", "type": TicketType.objects.first().pk,
         "site": item.site_id, "equipment": item.pk},
    )  # fmt: skip
    assert response.status_code == 302
    assert Ticket.objects.get(title="Paper jam").equipment_id == item.pk


def test_staff_scanning_a_label_get_the_equipment_card(client: Any) -> None:
    from deskline.accounts.models import Role
    from tests.factories import EquipmentFactory, UserFactory

    item = EquipmentFactory()
    client.force_login(UserFactory(role=Role.AGENT))
    response = client.get(f"/portal/new/?equipment={item.pk}&site={item.site_id}")
    assert response.status_code == 302 and response["Location"] == f"/equipment/{item.pk}/"
    assert client.get(response["Location"]).status_code == 200
