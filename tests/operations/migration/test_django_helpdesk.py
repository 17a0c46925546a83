"""Migrating from a real django-helpdesk database: everything arrives once, as it was."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection

from deskline.accounts.models import Role, Team
from deskline.cli import main
from deskline.clients.models import Contact
from deskline.notifications.models import Outbox
from deskline.operations.migration import loader
from deskline.operations.migration.django_helpdesk import DjangoHelpdeskReader
from deskline.operations.migration.loader import MigrationReport, migrate
from deskline.operations.migration.records import SourceTicket
from deskline.operations.migration.sourcedb import source_db
from deskline.tickets.models import (
    Attachment,
    Comment,
    EventReactionFailure,
    Ticket,
    TicketEvent,
)
from tests.factories import UserFactory
from tests.operations.migration.conftest import HelpdeskDb
from tests.operations.migration.helpdesk_db import T0

pytestmark = pytest.mark.django_db(transaction=False)
DAY = timedelta(days=1)


def run(old: HelpdeskDb, *, dry_run: bool = False, media: bool = True) -> MigrationReport:
    with source_db(old.url) as db:
        reader = DjangoHelpdeskReader(db, media_dir=old.media if media else None)
        return migrate(reader.tickets(), source=reader.source, dry_run=dry_run,
                       max_number=reader.max_number())  # fmt: skip


@pytest.fixture
def ivan(db: None) -> object:
    return UserFactory(username="ivan", email="IVAN@desk.example", role=Role.AGENT)


def test_tickets_keep_their_numbers_statuses_and_dates(
    helpdesk_db: HelpdeskDb, ivan: object
) -> None:
    report = run(helpdesk_db)
    assert (report.tickets, report.problems) == (5, [])
    tickets = {t.number: t for t in Ticket.objects.select_related("status", "team", "priority")}
    ids = helpdesk_db.ids
    assert set(tickets) == set(ids.values())
    phases = {name: tickets[number].phase for name, number in ids.items()}
    assert phases == {"open": "new", "resolved": "resolved", "closed": "closed",
                      "duplicate": "closed", "on_hold": "waiting"}  # fmt: skip
    resolved = tickets[ids["resolved"]]
    assert (resolved.created_at, resolved.updated_at) == (T0 + DAY, T0 + 4 * DAY)
    assert (resolved.resolved_at, resolved.closed_at) == (T0 + 4 * DAY, None)
    assert resolved.priority.code == "critical" and resolved.assignee == ivan
    assert tickets[ids["closed"]].closed_at == T0 + 5 * DAY
    assert tickets[ids["duplicate"]].closed_at == T0 + 3 * DAY
    assert resolved.team is not None and resolved.team.name == "Lifts"
    assert sorted(Team.objects.values_list("name", flat=True)) == ["Billing", "Lifts"]


def test_follow_ups_become_public_and_internal_comments_with_their_authors_and_dates(
    helpdesk_db: HelpdeskDb, ivan: object
) -> None:
    run(helpdesk_db)
    ticket = Ticket.objects.get(number=helpdesk_db.ids["resolved"])
    comments = list(ticket.comments.order_by("created_at"))
    assert [(c.is_public, c.created_at - T0) for c in comments] == [
        (True, 2 * DAY), (False, 2 * DAY + timedelta(hours=1)), (True, 3 * DAY), (True, 4 * DAY)
    ]  # fmt: skip
    reply, note, client, resolution = comments
    assert reply.author == ivan and "We will come tomorrow" in reply.body
    assert note.author is None and "Olga Smirnova:" in note.body  # not a Deskline login
    assert client.author_contact == ticket.contact and ticket.contact is not None
    assert "Sensor replaced" in resolution.body  # the resolution is not repeated
    closed = Ticket.objects.get(number=helpdesk_db.ids["closed"])
    assert [c.body for c in closed.comments.all()] == ["<p>Olga Smirnova:</p><p>Closed</p>"]


def test_attachments_arrive_from_the_media_folder_on_their_comment(
    helpdesk_db: HelpdeskDb,
) -> None:
    run(helpdesk_db)
    opened = Attachment.objects.get(ticket__number=helpdesk_db.ids["open"])
    assert (opened.filename, opened.comment, opened.file.read()) == (
        "photo.txt",
        None,
        b"a photo, as text",
    )
    order = Attachment.objects.get(ticket__number=helpdesk_db.ids["resolved"])
    assert order.comment is not None and not order.comment.is_public and not order.is_public
    assert order.created_at == T0 + 2 * DAY + timedelta(hours=1)


def test_submitters_become_one_contact_per_address(helpdesk_db: HelpdeskDb) -> None:
    run(helpdesk_db)
    assert sorted(Contact.objects.values_list("email", flat=True)) == [
        "anna@client.example", "bob@other.example"
    ]  # fmt: skip
    assert Ticket.objects.get(number=helpdesk_db.ids["on_hold"]).contact is None


def test_importing_twice_changes_nothing(helpdesk_db: HelpdeskDb, ivan: object) -> None:
    run(helpdesk_db)
    counts = [m.objects.count() for m in (Ticket, Comment, Attachment, TicketEvent, Contact)]
    versions = list(Ticket.objects.order_by("pk").values_list("version", "updated_at"))
    second = run(helpdesk_db)
    assert (second.tickets, second.tickets_skipped, second.comments, second.files) == (0, 5, 0, 0)
    assert [
        m.objects.count() for m in (Ticket, Comment, Attachment, TicketEvent, Contact)
    ] == counts
    assert list(Ticket.objects.order_by("pk").values_list("version", "updated_at")) == versions


def test_a_later_run_brings_only_the_new_follow_ups(helpdesk_db: HelpdeskDb) -> None:
    run(helpdesk_db)
    number = helpdesk_db.ids["open"]
    helpdesk_db.run(lambda f: f.followup(number, T0 + 9 * DAY, "Still stuck", user=None))
    report = run(helpdesk_db)
    assert (report.tickets_extended, report.comments, report.tickets_skipped) == (1, 1, 4)
    ticket = Ticket.objects.get(number=number)
    assert [c.body for c in ticket.comments.all()] == ["<p>Still stuck</p>"]
    assert ticket.updated_at == T0 + 9 * DAY


def test_a_number_taken_here_gets_the_next_one_and_the_report_maps_it(
    helpdesk_db: HelpdeskDb, make_ticket: object
) -> None:
    taken = make_ticket(title="Already here")  # type: ignore[operator]
    old_number = helpdesk_db.ids["closed"]
    Ticket.objects.filter(pk=taken.pk).update(number=old_number)  # a number the sequence gave
    report = run(helpdesk_db)
    moved = Ticket.objects.get(title="Invoice copy")
    assert moved.number > max(helpdesk_db.ids.values())
    assert report.renumbered == [(str(old_number), moved.number)]
    event = moved.events.get(kind="imported")
    assert event.payload.original_number == str(old_number)  # type: ignore[attr-defined]


def test_tickets_created_after_the_import_are_numbered_above_the_old_ones(
    helpdesk_db: HelpdeskDb, make_ticket: object
) -> None:
    run(helpdesk_db)
    assert make_ticket(title="New").number > max(helpdesk_db.ids.values())  # type: ignore[operator]


def test_a_dry_run_writes_nothing_and_reports_missing_files(helpdesk_db: HelpdeskDb) -> None:
    report = run(helpdesk_db, dry_run=True, media=False)
    assert report.tickets == 5
    assert len(report.problems) == 2 and all("--media-dir" in p for p in report.problems)
    assert not Ticket.objects.exists() and not Contact.objects.exists()


def test_imported_history_notifies_nobody(helpdesk_db: HelpdeskDb, dispatch: object) -> None:
    run(helpdesk_db)
    dispatch()  # type: ignore[operator]
    assert not Outbox.objects.exists()
    assert not EventReactionFailure.objects.exists()


def test_the_command_imports_and_prints_a_summary(
    helpdesk_db: HelpdeskDb, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["migrate-from", "django-helpdesk", "--database-url", helpdesk_db.url,
            "--media-dir", str(helpdesk_db.media), "--groups-as", "categories"]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "5 tickets imported" in out and "2 files" in out


def test_queues_may_become_categories(helpdesk_db: HelpdeskDb) -> None:
    with source_db(helpdesk_db.url) as db:
        migrate(DjangoHelpdeskReader(db).tickets(), source="hd", groups_as="categories")
    assert Ticket.objects.filter(category__name="Lifts", team=None).count() == 3


def test_the_command_refuses_a_database_that_is_not_django_helpdesk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], db: None
) -> None:
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    assert main(["migrate-from", "django-helpdesk", "--database-url", f"sqlite:///{empty}"]) == 1
    assert "not a django-helpdesk database" in capsys.readouterr().err


def test_an_imported_ticket_shows_on_the_desk_with_its_history(
    helpdesk_db: HelpdeskDb, admin: object, client: object
) -> None:
    run(helpdesk_db)
    client.force_login(admin)  # type: ignore[attr-defined]
    number = helpdesk_db.ids["resolved"]
    page = client.get(f"/tickets/{number}/").content.decode()  # type: ignore[attr-defined]
    assert "Imported from another help desk" in page and "We will come tomorrow" in page


def _numbering_state() -> object:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT last_value, is_called FROM tickets_ticket_number_seq")
        else:
            cursor.execute("SELECT value FROM tickets_numbersequence WHERE name = 'ticket'")
        return cursor.fetchone()


def test_a_dry_run_leaves_the_ticket_numbering_alone(helpdesk_db: HelpdeskDb) -> None:
    before = _numbering_state()
    run(helpdesk_db, dry_run=True)
    assert _numbering_state() == before


def test_an_interrupted_run_resumes_where_it_stopped(
    helpdesk_db: HelpdeskDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "BATCH", 2)
    with source_db(helpdesk_db.url) as db:
        records = list(DjangoHelpdeskReader(db, media_dir=helpdesk_db.media).tickets())

    def cut_after_three() -> Iterator[SourceTicket]:
        yield from records[:3]
        raise ConnectionError("the old server went away")

    with pytest.raises(ConnectionError):
        migrate(cut_after_three(), source="django-helpdesk")
    assert Ticket.objects.count() == 2  # the first batch was committed, the third was not
    report = run(helpdesk_db)
    assert (report.tickets, report.tickets_skipped) == (3, 2)
    assert Ticket.objects.count() == 5


def test_a_submitter_address_the_contact_rules_refuse_leaves_the_ticket_without_a_contact(
    helpdesk_db: HelpdeskDb,
) -> None:
    number = helpdesk_db.run(lambda f: f.ticket(1, "Odd sender", created=T0, email="not-an-email"))
    report = run(helpdesk_db)
    assert Ticket.objects.get(number=number).contact is None
    (problem,) = [p for p in report.problems if "not-an-email" in p]
    assert problem.startswith(f"ticket {number}: requester 'not-an-email' not kept")
    assert "email: Enter a valid email address." in problem


def test_a_ticket_deleted_here_after_its_import_is_reported_not_recreated(
    helpdesk_db: HelpdeskDb,
) -> None:
    run(helpdesk_db)
    Ticket.objects.filter(number=helpdesk_db.ids["closed"]).delete()
    report = run(helpdesk_db)
    assert [p for p in report.problems if "no longer exists" in p] == [
        f"ticket {helpdesk_db.ids['closed']}: not imported: "
        "imported before, but that Deskline ticket no longer exists"
    ]
    assert Ticket.objects.count() == 4


@pytest.fixture
def refreshed(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The command's statistics refreshes, recorded instead of run."""
    from deskline.operations.management.commands import migrate_from as command

    calls: list[bool] = []
    monkeypatch.setattr(command, "statistics_after_load", lambda: calls.append(True))
    return calls


def _import_args(helpdesk_db: HelpdeskDb) -> list[str]:
    return ["migrate-from", "django-helpdesk", "--database-url", helpdesk_db.url,
            "--media-dir", str(helpdesk_db.media)]  # fmt: skip


def test_the_command_refreshes_the_planner_statistics_after_an_import(
    helpdesk_db: HelpdeskDb, refreshed: list[bool]
) -> None:
    assert main(_import_args(helpdesk_db)) == 0
    assert refreshed == [True]


def test_a_dry_run_leaves_the_planner_statistics_alone(
    helpdesk_db: HelpdeskDb, refreshed: list[bool]
) -> None:
    assert main([*_import_args(helpdesk_db), "--dry-run"]) == 0
    assert refreshed == []
