"""Migrating from Zammad through its REST API (a fake Zammad on loopback, documented shapes)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from deskline.accounts.models import Role
from deskline.cli import main
from deskline.clients.models import Contact
from deskline.operations.migration import zammad
from deskline.operations.migration.loader import MigrationReport, migrate
from deskline.operations.migration.sourcedb import SourceError
from deskline.operations.migration.zammad import ZammadApi, ZammadReader
from deskline.tickets.models import Attachment, Comment, Ticket, TicketEvent
from tests.factories import UserFactory
from tests.operations.migration.fake_zammad import TOKEN, ZammadData, fake_zammad, sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, ZammadData]]:
    monkeypatch.setattr(zammad, "PER_PAGE", 2)
    data = sample()
    with fake_zammad(data) as url:
        yield url, data


def run(url: str, *, dry_run: bool = False) -> MigrationReport:
    reader = ZammadReader(ZammadApi(url, TOKEN))
    return migrate(reader.tickets(), source=reader.source, dry_run=dry_run)


def test_every_page_of_tickets_arrives_with_numbers_states_and_dates(
    server: tuple[str, ZammadData],
) -> None:
    report = run(server[0])
    assert (report.tickets, report.problems) == (5, [])
    assert sorted(Ticket.objects.values_list("number", flat=True)) == [71001 + i for i in range(5)]
    order = Ticket.objects.get(number=71001)
    assert (order.phase, order.priority.code, order.team.name) == (  # type: ignore[union-attr]
        "closed",
        "normal",
        "Sales",
    )
    assert order.created_at == datetime(2021, 2, 24, 14, 44, 43, 828000, tzinfo=UTC)
    assert order.closed_at == datetime(2021, 2, 26, 12, 44, 43, 888000, tzinfo=UTC)
    assert Ticket.objects.get(number=71002).phase == "waiting"
    assert Ticket.objects.get(number=71003).priority.code == "low"


def test_articles_become_the_description_and_public_or_internal_comments(
    server: tuple[str, ZammadData],
) -> None:
    chris = UserFactory(username="chris", email="chris@chrispresso.com", role=Role.AGENT)
    run(server[0])
    order = Ticket.objects.get(number=71001)
    assert order.description == "<p>Where is my order?</p>" and order.assignee == chris
    note, reply = order.comments.order_by("created_at")
    assert (note.is_public, note.author, note.body) == (
        False, chris, "<p>Internal: check the warehouse</p>"
    )  # fmt: skip
    assert reply.is_public and reply.author == chris


def test_attachments_are_downloaded_and_inline_images_left_out(
    server: tuple[str, ZammadData],
) -> None:
    run(server[0])
    files = {a.filename: (a.file.read(), a.comment is None) for a in Attachment.objects.all()}
    assert files == {"invoice.txt": (b"invoice", True), "tracking.txt": (b"TRACK", False)}


def test_the_customer_becomes_a_contact_of_their_organisation(
    server: tuple[str, ZammadData],
) -> None:
    run(server[0])
    samuel = Contact.objects.get()
    assert (samuel.name, samuel.company.name) == (  # type: ignore[union-attr]
        "Samuel Lopez",
        "Awesome Customer Inc.",
    )
    assert Ticket.objects.filter(contact=samuel).count() == 5


def test_importing_twice_changes_nothing(server: tuple[str, ZammadData]) -> None:
    run(server[0])
    counts = [m.objects.count() for m in (Ticket, Comment, Attachment, TicketEvent, Contact)]
    second = run(server[0])
    assert (second.tickets, second.tickets_skipped) == (0, 5)
    assert [
        m.objects.count() for m in (Ticket, Comment, Attachment, TicketEvent, Contact)
    ] == counts


def test_a_wrong_token_is_refused_before_anything_is_written(
    server: tuple[str, ZammadData],
) -> None:
    with pytest.raises(SourceError, match="401"):
        ZammadReader(ZammadApi(server[0], "wrong"))


def test_the_command_reads_zammad_with_a_token_from_a_file(
    server: tuple[str, ZammadData], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    token = tmp_path / "token"
    token.write_text(TOKEN + "\n")
    args = ["migrate-from", "zammad", "--url", server[0], "--token-file", str(token), "--dry-run"]
    assert main(args) == 0
    assert "5 tickets would be imported" in capsys.readouterr().out
