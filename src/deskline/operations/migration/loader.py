"""Writing another help desk's tickets into Deskline, once per old id (all importers share it).

Each old ticket is one savepoint: its contact, team or category, the ticket with its old number
(or the next one when that number is taken here: the report lists old → new), its comments and
files with their dates, each recorded as an `ImportedRecord` under the source's name. A ticket
imported before only gets the comments and files it did not have yet, so a second run changes
nothing and an interrupted run resumes; a file that could not be read is tried again next run.
A dry run does all of it and rolls each ticket back, reporting what would go wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from html import escape

from django.db import IntegrityError, transaction

from deskline.accounts.models import User
from deskline.accounts.system import system_user
from deskline.core.errors import DomainError
from deskline.operations.migration.people import Directory, priority_id, status_for_phase
from deskline.operations.migration.records import SourceComment, SourceFile, SourceTicket
from deskline.operations.models import ImportedRecord
from deskline.tickets.importing import (
    HistoricTicket,
    attachment_import,
    comment_import,
    ticket_history_added,
    ticket_import,
    ticket_numbers_reserve_through,
)
from deskline.tickets.models import Comment, Status, Ticket

BATCH = 100


@dataclass
class MigrationReport:
    tickets: int = 0
    tickets_skipped: int = 0
    tickets_extended: int = 0
    comments: int = 0
    files: int = 0
    #: (old number, new number) for tickets whose number was taken here.
    renumbered: list[tuple[str, int]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unmatched_agents: list[str] = field(default_factory=list)

    def summary(self, *, dry_run: bool) -> str:
        verb = "would be imported" if dry_run else "imported"
        return (
            f"{self.tickets} tickets {verb}, {self.tickets_extended} extended with new comments, "
            f"{self.tickets_skipped} already imported; {self.comments} comments, {self.files} "
            f"files; {len(self.renumbered)} renumbered; {len(self.problems)} problems."
        )


class _DryRun(Exception):
    """Rolls back a dry run's ticket after it went through the services."""


class _Loader:
    def __init__(
        self, source: str, groups_as: str, report: MigrationReport, *, dry_run: bool
    ) -> None:
        self.source, self.report, self.dry_run = source, report, dry_run
        self.actor: User = system_user("import")
        self.directory = Directory(actor=self.actor, groups_as=groups_as)

        #: What earlier runs and committed tickets of this run imported: {(kind, id): row id}.
        self.known: dict[tuple[str, str], int] = {}
        #: What the ticket being loaded added (kept only if its savepoint commits).
        self.fresh: dict[tuple[str, str], int] = {}
        self._statuses: dict[str, Status] = {}  # configuration: read once a run
        self._priorities: dict[str, int | None] = {}

    def status(self, phase: str) -> Status:
        if phase not in self._statuses:
            self._statuses[phase] = status_for_phase(phase)
        return self._statuses[phase]

    def priority(self, code: str) -> int | None:
        if code not in self._priorities:
            self._priorities[code] = priority_id(code)
        return self._priorities[code]

    def prefetch(self, batch: Iterable[SourceTicket]) -> None:
        """Read the batch's old ids already imported, in one query per kind."""
        self.known = {}
        wanted: dict[str, list[str]] = {"ticket": [], "comment": [], "file": []}
        for record in batch:
            wanted["ticket"].append(record.external_id)
            wanted["file"] += [f.external_id for f in record.files]
            for comment in record.comments:
                wanted["comment"].append(comment.external_id)
                wanted["file"] += [f.external_id for f in comment.files]
        for kind, ids in wanted.items():
            for start in range(0, len(ids), 500):
                rows = ImportedRecord.objects.filter(
                    source=self.source, kind=kind, external_id__in=ids[start : start + 500]
                ).values_list("external_id", "object_id")
                self.known.update({(kind, external_id): pk for external_id, pk in rows})

    def imported(self, kind: str, external_id: str) -> int | None:
        key = (kind, external_id)
        return self.fresh.get(key, self.known.get(key))

    def remember(self, kind: str, external_id: str, object_id: int) -> None:
        self.fresh[(kind, external_id)] = object_id

    def save_fresh(self) -> None:
        """Write the ticket's new ImportedRecord rows (in its savepoint), in one INSERT."""
        ImportedRecord.objects.bulk_create(
            ImportedRecord(source=self.source, kind=kind, external_id=external_id, object_id=pk)
            for (kind, external_id), pk in self.fresh.items()
        )

    def load(self, record: SourceTicket) -> None:
        ticket_id = self.imported("ticket", record.external_id)
        ticket = self.create(record) if ticket_id is None else self.existing(ticket_id)
        comments, files, latest = self.history(ticket, record)
        if ticket_id is None:
            self.report.tickets += 1
        elif comments or files:
            ticket_history_added(actor=self.actor, ticket=ticket, source=self.source,
                                 external_id=record.external_id, comments=comments,
                                 attachments=files,
                                 updated_at=max(record.updated_at, latest or record.updated_at))  # fmt: skip
            self.report.tickets_extended += 1
        else:
            self.report.tickets_skipped += 1
        self.report.comments += comments
        self.report.files += files
        self.save_fresh()

    @staticmethod
    def existing(ticket_id: int) -> Ticket:
        ticket = Ticket.objects.filter(pk=ticket_id).first()
        if ticket is None:
            raise DomainError("imported before, but that Deskline ticket no longer exists")
        return ticket

    def create(self, record: SourceTicket) -> Ticket:
        try:
            with transaction.atomic():
                contact_id, company_id = self.directory.contact(record.requester)
        except DomainError as exc:  # an address the contact rules refuse: keep the ticket
            contact_id = company_id = None
            who = record.requester.email if record.requester else ""
            self.report.problems.append(
                f"ticket {record.external_id}: requester {who!r} not kept: {_reason(exc)}"
            )
        group = self.directory.group(record.group)
        values = HistoricTicket(
            title=record.title, description=record.description,
            description_is_html=record.description_is_html,
            status=self.status(record.phase), created_at=record.created_at,
            updated_at=record.updated_at, resolved_at=record.resolved_at,
            closed_at=record.closed_at, wanted_number=record.number,
            priority_id=self.priority(record.priority),
            assignee_id=self.directory.staff_id(record.assignee),
            company_id=company_id, contact_id=contact_id, team_id=group.get("team_id"),
            category_id=group.get("category_id"),
        )  # fmt: skip
        ticket = ticket_import(actor=self.actor, values=values, source=self.source,
                               external_id=record.external_id,
                               original_status=record.status_name,
                               original_number=record.original_number,
                               reserve_number=not self.dry_run)  # fmt: skip
        self.remember("ticket", record.external_id, ticket.pk)
        old = record.original_number or str(record.number or "")
        if old and ticket.number != record.number:
            self.report.renumbered.append((old, ticket.number))
        return ticket

    def history(self, ticket: Ticket, record: SourceTicket) -> tuple[int, int, datetime | None]:
        """Add the comments and files not imported yet: (comments, files, latest comment date)."""
        comments = files = 0
        latest: datetime | None = None
        files += self.files(ticket, None, record.files, public=True, record=record)
        for source_comment in record.comments:
            comment_id = self.imported("comment", source_comment.external_id)
            if comment_id is None:
                comment = self.comment(ticket, record, source_comment)
                comments += 1
                latest = max(latest or comment.created_at, comment.created_at)
            else:
                found = Comment.objects.filter(pk=comment_id).first()
                if found is None or all(
                    self.imported("file", f.external_id) for f in source_comment.files
                ):
                    continue
                comment = found
            files += self.files(ticket, comment, source_comment.files,
                                public=source_comment.is_public, record=record)  # fmt: skip
        return comments, files, latest

    def comment(self, ticket: Ticket, record: SourceTicket, source: SourceComment) -> Comment:
        author_id = self.directory.staff_id(source.author) if source.author else None
        contact_id = ticket.contact_id if source.by_requester else None
        body = source.body
        if source.author is not None and author_id is None:  # an agent who is not here (yet)
            who = source.author.name or source.author.email
            body = (f"<p><em>{escape(who)}:</em></p>{body}" if source.is_html
                    else f"{who}:\n\n{body}")  # fmt: skip
        comment = comment_import(
            ticket=ticket, author=User.objects.filter(pk=author_id).first() if author_id else None,
            author_contact_id=contact_id, body=body, is_html=source.is_html,
            is_public=source.is_public, created_at=source.created_at,
            message_id=source.message_id,
        )  # fmt: skip
        self.remember("comment", source.external_id, comment.pk)
        return comment

    def files(self, ticket: Ticket, comment: Comment | None, files: Iterable[SourceFile], *,
              public: bool, record: SourceTicket) -> int:  # fmt: skip
        added = 0
        for file in files:
            if self.imported("file", file.external_id) is not None:
                continue
            try:
                content = file.read()
                with transaction.atomic():
                    attachment = attachment_import(
                        ticket=ticket, comment=comment, filename=file.filename, content=content,
                        is_public=public, uploaded_by=comment.author if comment else None,
                        created_at=comment.created_at if comment else record.created_at,
                    )  # fmt: skip
                    self.remember("file", file.external_id, attachment.pk)
            except (OSError, DomainError) as exc:
                self.report.problems.append(
                    f"ticket {record.external_id}: file {file.filename!r} not brought: {exc}"
                )
                continue
            added += 1
        return added


def migrate(
    tickets: Iterable[SourceTicket],
    *,
    source: str,
    groups_as: str = "teams",
    dry_run: bool = False,
    max_number: int = 0,
    progress: Callable[[int], None] | None = None,
) -> MigrationReport:
    """Import every ticket of `tickets` (from one reader); see the module docstring."""
    report = MigrationReport()
    loader = _Loader(source, groups_as, report, dry_run=dry_run)
    if max_number and not dry_run:
        # New tickets created meanwhile get numbers above the old system's: they stay free.
        with transaction.atomic():
            ticket_numbers_reserve_through(max_number)
    batch: list[SourceTicket] = []
    for record in tickets:
        batch.append(record)
        if len(batch) == BATCH:
            _load_batch(loader, batch, dry_run=dry_run, progress=progress)
            batch = []
    _load_batch(loader, batch, dry_run=dry_run, progress=progress)
    report.unmatched_agents = sorted(loader.directory.unmatched_agents)
    return report


def _load_batch(loader: _Loader, batch: list[SourceTicket], *, dry_run: bool,
                progress: Callable[[int], None] | None) -> None:  # fmt: skip
    loader.prefetch(batch)
    with transaction.atomic():
        for record in batch:
            loader.report.problems += [f"ticket {record.external_id}: {w}" for w in record.warnings]
            loader.fresh = {}
            try:
                with transaction.atomic():
                    loader.load(record)
                    if dry_run:
                        raise _DryRun
                loader.known.update(loader.fresh)
            except _DryRun:
                pass
            except (DomainError, IntegrityError) as exc:
                loader.report.problems.append(
                    f"ticket {record.external_id}: not imported: {_reason(exc)}"
                )
    if progress is not None and batch:
        progress(len(batch))


def _reason(exc: Exception) -> str:
    fields = getattr(exc, "fields", None) or {}
    detail = "; ".join(f"{k}: {v}" for k, v in fields.items())
    return f"{exc}" + (f" ({detail})" if detail else "")
