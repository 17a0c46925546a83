"""Importing from CSV and XLSX: every row through the services, idempotent, problems by line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from deskline.cli import main
from deskline.clients.models import Company, Contact
from deskline.operations import importer
from deskline.operations.importer import ImportFileError, import_rows, table_read
from deskline.tickets.models import Comment, Ticket

pytestmark = pytest.mark.django_db

COMPANIES = [
    {"external_id": "c1", "name": "Acme Lifts", "tax_id": "7701234567"},
    {"external_id": "c2", "name": "Polar Fridge", "tax_id": ""},
]


def test_a_file_imported_twice_creates_each_row_once() -> None:
    first = import_rows("companies", COMPANIES, source="old")
    second = import_rows("companies", COMPANIES, source="old")
    assert (first.created, second.created, second.skipped) == (2, 0, 2)
    assert Company.objects.count() == 2


def test_a_dry_run_checks_every_row_and_writes_nothing() -> None:
    report = import_rows("companies", [*COMPANIES, {"external_id": "c3", "name": ""}],
                         source="old", dry_run=True)  # fmt: skip
    assert report.created == 2
    assert [str(p) for p in report.problems] == ["line 4, column name: required"]
    assert not Company.objects.exists()


def test_rows_refer_to_earlier_files_by_external_id_and_bad_rows_name_line_and_column() -> None:
    import_rows("companies", COMPANIES, source="old")
    contacts = [
        {"external_id": "p1", "name": "Anna", "company": "c1", "email": "anna@acme.example",
         "phone": "8 912 345-67-89"},
        {"external_id": "p2", "name": "Bob", "company": "c9", "email": "", "phone": ""},
        {"external_id": "p3", "name": "Carl", "company": "c2", "email": "not-an-email", "phone": ""},
    ]  # fmt: skip
    report = import_rows("contacts", contacts, source="old")
    assert report.created == 1
    assert {(p.line, p.column) for p in report.problems} == {(3, "company"), (4, "email")}
    anna = Contact.objects.get()
    assert anna.company is not None and anna.company.name == "Acme Lifts"
    assert anna.phone_normalized == "+79123456789"


def test_imported_tickets_and_comments_go_through_the_ticket_services() -> None:
    import_rows("companies", COMPANIES, source="old")
    tickets = [{"external_id": "t1", "title": "Lift stuck", "description": "Floor 3",
                "company": "c1", "priority": "high"}]  # fmt: skip
    assert import_rows("tickets", tickets, source="old").created == 1
    comments = [{"external_id": "m1", "ticket": "t1", "body": "On our way", "public": "yes"}]
    assert import_rows("comments", comments, source="old").created == 1
    ticket = Ticket.objects.get()
    assert ticket.priority.code == "high" and ticket.company is not None
    assert Comment.objects.get().is_public
    assert ticket.events.filter(kind="created").exists()


def test_a_file_missing_a_required_column_is_refused_whole() -> None:
    with pytest.raises(ImportFileError, match="missing column 'name'"):
        import_rows("companies", [{"external_id": "c1"}], source="old")


def test_csv_with_a_bom_and_xlsx_read_the_same(tmp_path: Path) -> None:
    csv_file = tmp_path / "companies.csv"
    csv_file.write_text("external_id,name,tax_id\nc1,Acme Lifts,7701234567\n", encoding="utf-8-sig")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["external_id", "name", "tax_id"])
    sheet.append(["c1", "Acme Lifts", "7701234567"])
    xlsx_file = tmp_path / "companies.xlsx"
    book.save(xlsx_file)
    assert list(table_read(csv_file)) == list(table_read(xlsx_file))


def test_an_import_reads_its_rows_a_batch_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "BATCH", 2)
    ahead: list[int] = []

    def rows() -> Iterator[dict[str, str]]:
        for n in range(7):
            ahead.append(n - Company.objects.count())  # rows read but not yet imported
            yield {"external_id": f"c{n}", "name": f"Company {n}", "tax_id": ""}

    report = import_rows("companies", rows(), source="old")
    assert (report.created, max(ahead)) == (7, 1)  # never more than a batch ahead


def test_a_csv_is_read_as_the_import_consumes_it(tmp_path: Path) -> None:
    path = tmp_path / "companies.csv"
    path.write_text("external_id,name\nc1,Acme\n\nc2,Polar\n", encoding="utf-8")
    rows = table_read(path)
    assert next(rows) == {"external_id": "c1", "name": "Acme"}
    assert list(rows) == [{"external_id": "c2", "name": "Polar"}]


def test_the_command_prints_each_problem_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "companies.csv"
    path.write_text("external_id,name\nc1,Acme\nc2,\n")
    assert main(["import", "companies", str(path)]) == 1
    captured = capsys.readouterr()
    assert "line 3, column name: required" in captured.err
    assert "1 rows imported" in captured.out
