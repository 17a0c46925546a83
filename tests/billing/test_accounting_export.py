"""The accounting import file: one row per act with its lines (CSV, XLSX, JSON Lines), read
back into the acts' numbers, requisites, totals and lines."""

from __future__ import annotations

import io
from decimal import Decimal as D
from typing import Any

import openpyxl
import pytest
from django.utils import timezone

from deskline.billing.act_services import act_create_for_ticket, act_issue
from deskline.billing.exports import DOCUMENT_COLUMNS, LINE_FIELDS, documents_read
from deskline.billing.models import Act
from deskline.billing.services import charge_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def acts(admin: Any, hour: Any, part: Any, billed: dict[str, Any], make_ticket: Any) -> list[Act]:
    """Two issued acts of company A: three lines (Cyrillic names) and one line."""
    made = []
    for lines in ([(hour, "1.5"), (part, "1"), (hour, "0.5")], [(part, "2")]):
        ticket = make_ticket(contact_id=billed["contact"].pk)
        for item, qty in lines:
            charge_add(actor=admin, ticket_number=ticket.number, item_id=item.pk, quantity=D(qty))
        act = act_create_for_ticket(actor=admin, ticket_number=ticket.number)
        made.append(act_issue(actor=admin, act_id=act.pk))
    return made


def _get(api: Any, fmt: str) -> Any:
    today = timezone.localdate().isoformat()
    return api.get("billing/export/documents", {"start": today, "end": today, "format": fmt})


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_each_act_is_one_row_with_all_its_lines(admin_api: Any, acts: list[Act], fmt: str) -> None:
    response = _get(admin_api, fmt)
    assert response.status_code == 200
    documents = documents_read(response.content, fmt)
    assert [d["number"] for d in documents] == [a.display_number for a in acts]
    first = documents[0]
    assert (first["document"], first["kpp"], first["currency"]) == ("act", "770101001", "RUB")
    assert (first["net"], first["vat"], first["total"]) == (
        str(acts[0].net), str(acts[0].vat), str(acts[0].total))  # fmt: skip
    assert first["lines"] == [
        {f: line[f] for f in LINE_FIELDS} for line in acts[0].snapshot["lines"]
    ]
    assert first["lines"][0]["description"] == "Час инженера"
    assert len(documents[1]["lines"]) == 1


def test_the_lines_of_a_row_add_up_to_its_total(admin_api: Any, acts: list[Act]) -> None:
    for document in documents_read(_get(admin_api, "csv").content, "csv"):
        assert sum(D(line["total"]) for line in document["lines"]) == D(document["total"])


def test_the_csv_header_names_the_document_then_a_group_per_line(
    admin_api: Any, acts: list[Act]
) -> None:
    header = _get(admin_api, "csv").content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[: len(DOCUMENT_COLUMNS) + 1] == [*DOCUMENT_COLUMNS, "lines"]
    assert header[-1] == "line3_total" and len(header) == len(DOCUMENT_COLUMNS) + 1 + 3 * 11


def test_the_xlsx_file_has_the_same_rows(admin_api: Any, acts: list[Act]) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(_get(admin_api, "xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[1][1] == acts[0].display_number
    assert rows[1][len(DOCUMENT_COLUMNS)] == 3 and rows[2][len(DOCUMENT_COLUMNS)] == 1


def test_an_empty_period_gives_a_header_only(admin_api: Any, acts: list[Act]) -> None:
    response = admin_api.get("billing/export/documents",
                             {"start": "2001-01-01", "end": "2001-01-31"})  # fmt: skip
    assert documents_read(response.content, "csv") == []


def test_agents_may_not_export(api_for: Any, acts: list[Act]) -> None:
    from tests.factories import UserFactory

    assert _get(api_for(UserFactory(role="agent")), "jsonl").status_code == 403
