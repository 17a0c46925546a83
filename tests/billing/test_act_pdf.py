"""The act's PDF reads back (pdftotext) with its totals, Cyrillic text and requisites."""

from __future__ import annotations

import io
import shutil
import subprocess
from decimal import Decimal as D
from typing import Any

import pytest

from deskline.billing.act_services import act_create_for_ticket, act_issue
from deskline.billing.documents import act_document
from deskline.billing.models import CompanyBilling, Provider
from deskline.billing.pdf import act_pdf
from deskline.billing.services import charge_add
from tests.servers import server_missing

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        server_missing("pdftotext", "Debian: apt-get install -y poppler-utils")
    return subprocess.run(
        [str(pdftotext), "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def issued(admin: Any, hour: Any, part: Any, billed: dict[str, Any]) -> Any:
    Provider.objects.create(legal_name="ООО «Сервис-Плюс»", tax_id="7701234567", kpp="770101001",
                            bank_name="АО «Банк»", bank_bic="044525225",
                            bank_account="40702810000000000001")  # fmt: skip
    number = billed["ticket"].number
    charge_add(actor=admin, ticket_number=number, item_id=hour.pk, quantity=D("1.5"))
    charge_add(actor=admin, ticket_number=number, item_id=part.pk, quantity=D(1))
    act = act_create_for_ticket(actor=admin, ticket_number=number)
    return act_issue(actor=admin, act_id=act.pk)


def test_a_russian_act_reads_back_with_cyrillic_text_totals_and_requisites(issued: Any) -> None:
    text = _text(act_pdf(act_document(issued)))
    assert f"Акт выполненных работ № {issued.display_number}" in text
    assert "Фискальный накопитель" in text and "Час инженера" in text
    assert "ООО «Сервис-Плюс»" in text and "ИНН 7701234567" in text and "КПП 770101001" in text
    assert "БИК 044525225" in text
    assert "Итого без НДС" in text and "9000.00" in text
    assert "НДС 20.00%" in text and "1800.00" in text
    assert "Всего к оплате (RUB)" in text and "10800.00" in text


def test_an_english_act_for_an_eu_client_prints_the_vat_id(
    admin: Any, hour: Any, billed: dict[str, Any]
) -> None:
    CompanyBilling.objects.filter(company=billed["company"]).update(
        language="en", country="DE", vat_id="DE123456789", legal_name="Kunde GmbH"
    )
    charge_add(actor=admin, ticket_number=billed["ticket"].number, item_id=hour.pk,
               quantity=D(1))  # fmt: skip
    act = act_create_for_ticket(actor=admin, ticket_number=billed["ticket"].number)
    text = _text(act_pdf(act_document(act)))
    assert "Draft certificate" in text
    assert "Kunde GmbH" in text and "VAT id DE123456789" in text
    assert "Engineer hour" in text and "Total due (RUB)" in text and "1200.00" in text


def test_an_act_of_200_lines_runs_over_pages_with_the_totals_at_the_end(issued: Any) -> None:
    # Its rendering time is measured by bench/billing.py.
    document = act_document(issued)
    big = {**document, "lines": [document["lines"][0]] * 200}
    text = _text(act_pdf(big))
    assert text.count("\f") > 2
    assert text.rindex("10800.00") > text.rindex("Час инженера")


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", (60, 24), (20, 40, 160, 255)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


def test_an_act_prints_the_visits_the_checklist_and_the_clients_signature(
    admin: Any, hour: Any, billed: dict[str, Any]
) -> None:
    import datetime as dt

    from deskline.fieldwork.models import ChecklistTemplate, EngineerProfile
    from deskline.fieldwork.services import checklist_add, checklist_tick
    from deskline.fieldwork.visits import visit_plan, visit_progress, visit_sign
    from tests.factories import SiteFactory

    number = billed["ticket"].number
    site = SiteFactory(company=billed["company"], name="Склад на Лесной")
    EngineerProfile.objects.create(user=admin)
    template = ChecklistTemplate.objects.create(name="ТО")
    step = template.items.create(order=1, text="Проверить компрессор")
    checklist_add(actor=admin, number=number, template_id=template.pk)
    start = dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC)
    visit = visit_plan(actor=admin, number=number, engineer_ids=[admin.pk], start=start,
                       end=start + dt.timedelta(hours=1), site_id=site.pk, force=True)  # fmt: skip
    visit_progress(actor=admin, visit_id=visit.pk, status="on_site")
    checklist_tick(actor=admin, number=number,
                   item_id=billed["ticket"].checklists.get().items.get(text=step.text).pk)  # fmt: skip
    visit_sign(actor=admin, visit_id=visit.pk, png=PNG, signed_by="Ольга Смирнова")
    visit_progress(actor=admin, visit_id=visit.pk, status="done")
    charge_add(actor=admin, ticket_number=number, item_id=hour.pk, quantity=D(1))
    act = act_create_for_ticket(actor=admin, ticket_number=number)
    document = act_document(act)
    text = _text(act_pdf(document))
    assert "Выполненные работы" in text and "Склад на Лесной" in text
    assert "✓ Проверить компрессор" in text
    assert "Подписано заказчиком на объекте" in text and "Ольга Смирнова" in text
    assert document["signature"] and document["signed_by"] == "Ольга Смирнова"
