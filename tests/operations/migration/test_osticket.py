"""Migrating from an osTicket database: tickets, thread entries and stored files arrive once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from deskline.accounts.models import Role
from deskline.cli import main
from deskline.clients.models import Contact
from deskline.operations.migration.loader import MigrationReport, migrate
from deskline.operations.migration.osticket import OsTicketReader
from deskline.operations.migration.sourcedb import source_db
from deskline.tickets.models import Attachment, Comment, Ticket, TicketEvent
from tests.factories import UserFactory
from tests.operations.migration.conftest import OldDb
from tests.operations.migration.helpdesk_db import T0, Filler

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


def run(old: OldDb, *, dry_run: bool = False) -> MigrationReport:
    with source_db(old.url) as db:
        reader = OsTicketReader(db)
        return migrate(reader.tickets(), source=reader.source, dry_run=dry_run,
                       max_number=reader.max_number())  # fmt: skip


def test_tickets_keep_numbers_subjects_priorities_statuses_and_dates(osticket_db: OldDb) -> None:
    UserFactory(username="mike", email="mike@desk.example", role=Role.AGENT)
    report = run(osticket_db)
    assert (report.tickets, report.problems) == (2, [])
    vpn = Ticket.objects.get(number=482913)
    assert (vpn.title, vpn.phase, vpn.priority.code, vpn.team.name) == (  # type: ignore[union-attr]
        "VPN down",
        "new",
        "normal",
        "Support",
    )
    assert "VPN is down since 8:00" in vpn.description and vpn.created_at == T0
    quote = Ticket.objects.get(title="Quote please")
    assert (quote.phase, quote.priority.code, quote.resolved_at) == (
        "resolved",
        "low",
        T0 + 5 * HOUR,
    )
    assert quote.assignee is not None and quote.assignee.username == "mike"
    assert report.renumbered == [("ABC-0007", quote.number)]


def test_thread_entries_become_comments_and_the_first_message_the_description(
    osticket_db: OldDb,
) -> None:
    run(osticket_db)
    vpn = Ticket.objects.get(number=482913)
    note = vpn.comments.get()
    assert (note.is_public, note.created_at, note.body) == (
        False, T0 + HOUR, "<p><em>Mike Ross:</em></p>Checking the firewall"
    )  # fmt: skip
    quote = Ticket.objects.get(title="Quote please")
    assert quote.description == "<p>Need a quote for 5 seats</p>"
    assert [c.is_public for c in quote.comments.all()] == [True]


def test_files_stored_in_the_database_are_joined_from_their_chunks(osticket_db: OldDb) -> None:
    run(osticket_db)
    log = Attachment.objects.get()
    assert (log.filename, log.comment, log.file.read()) == ("log.txt", None, b"line 1\nline 2\n")


def test_users_become_contacts_of_their_organisation(osticket_db: OldDb) -> None:
    run(osticket_db)
    anna = Contact.objects.get()
    assert (anna.email, anna.name, anna.company.name) == (  # type: ignore[union-attr]
        "anna@client.example",
        "Anna Lee",
        "Client Ltd",
    )


def test_importing_twice_changes_nothing(osticket_db: OldDb) -> None:
    run(osticket_db)
    counts = [m.objects.count() for m in (Ticket, Comment, Attachment, TicketEvent, Contact)]
    second = run(osticket_db)
    assert (second.tickets, second.tickets_skipped, second.renumbered) == (0, 2, [])
    assert [
        m.objects.count() for m in (Ticket, Comment, Attachment, TicketEvent, Contact)
    ] == counts


def test_the_command_reads_osticket(
    osticket_db: OldDb, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    mapping = tmp_path / "map.csv"
    args = ["migrate-from", "osticket", "--database-url", osticket_db.url,
            "--mapping", str(mapping)]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "ticket ABC-0007 is now" in out and "2 tickets imported" in out
    assert mapping.read_text().splitlines()[0] == "old_number,new_number"


def test_files_of_the_filesystem_storage_plugin_come_from_the_media_folder(
    osticket_db: OldDb,
) -> None:
    def add_file(f: Filler) -> None:
        entry = f.insert("ost_thread_entry", thread_id=1, type="R", body="See file",
                         created=T0 + 3 * HOUR, updated=T0 + 3 * HOUR)  # fmt: skip
        file = f.insert("ost_file", bk="F", type="text/plain", size=2, key="xk42",
                        signature="s", name="fs.txt", created=T0)  # fmt: skip
        f.insert("ost_attachment", object_id=entry, type="H", file_id=file, name="fs.txt")

    osticket_db.run(add_file)
    (osticket_db.media / "x").mkdir(parents=True)
    (osticket_db.media / "x" / "xk42").write_bytes(b"fs")
    with source_db(osticket_db.url) as db:
        reader = OsTicketReader(db, media_dir=osticket_db.media)
        report = migrate(reader.tickets(), source=reader.source)
    assert report.problems == []
    assert Attachment.objects.get(filename="fs.txt").file.read() == b"fs"
