"""A company's export holds its registry, tickets, comments, history and files, and no one else's."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import pytest

from deskline.operations.export import company_export
from deskline.tickets.services import attachment_add, comment_add, ticket_create
from tests.factories import AdminFactory, CompanyFactory, ContactFactory

pytestmark = pytest.mark.django_db


def _rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.TextIOWrapper(archive.open(name), encoding="utf-8")))


def _company_with_a_ticket(title: str) -> tuple[Any, Any]:
    admin = AdminFactory()
    contact = ContactFactory()
    ticket = ticket_create(actor=admin, title=title, contact_id=contact.pk,
                           company_id=contact.company_id)  # fmt: skip
    comment_add(actor=admin, number=ticket.number, body=f"Reply to {title}", is_public=False)
    body = f"photo of {title}".encode()
    attachment_add(actor=admin, number=ticket.number, filename="../../photo.jpg.txt",
                   content=io.BytesIO(body), size=len(body))  # fmt: skip
    return contact.company, ticket


def test_the_export_holds_the_companys_tickets_comments_history_and_files() -> None:
    company, ticket = _company_with_a_ticket("Lift stuck")
    buffer = io.BytesIO()
    counts = company_export(company.pk, buffer)
    archive = zipfile.ZipFile(buffer)
    assert json.loads(archive.read("company.json"))["name"] == company.name
    assert [r["title"] for r in _rows(archive, "tickets.csv")] == ["Lift stuck"]
    comments = _rows(archive, "comments.csv")
    assert comments[0]["body"] == "Reply to Lift stuck" and comments[0]["public"] == "False"
    kinds = [json.loads(line)["kind"] for line in archive.read("history.jsonl").splitlines()]
    assert "created" in kinds and "commented" in kinds
    listed = _rows(archive, "attachments.csv")[0]
    assert listed["path_in_zip"].startswith(f"attachments/{ticket.number}/")
    assert ".." not in listed["path_in_zip"]
    assert archive.read(listed["path_in_zip"]) == b"photo of Lift stuck"
    assert counts["tickets"] == 1 and counts["contacts"] == 1


def test_the_export_holds_nothing_of_another_company() -> None:
    company, _ = _company_with_a_ticket("Lift stuck")
    _company_with_a_ticket("Fridge warm")
    buffer = io.BytesIO()
    company_export(company.pk, buffer)
    archive = zipfile.ZipFile(buffer)
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"Fridge warm" not in everything


def test_only_admins_download_an_export_through_the_api(api_for: Any, agent: Any) -> None:
    company = CompanyFactory()
    assert api_for(agent).get(f"companies/{company.pk}/export").status_code == 403
    response = api_for(AdminFactory()).get(f"companies/{company.pk}/export")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "tickets.csv" in archive.namelist()
