"""Reading a django-helpdesk database (tables as its helpdesk/models.py and migrations make them).

helpdesk_queue, helpdesk_ticket, helpdesk_followup, helpdesk_followupattachment (named
helpdesk_attachment before its migration 0026) and the user table (auth_user unless the site
swapped the user model). Attachments' `file` column is a path under the site's MEDIA_ROOT,
given here as `media_dir`. Tickets are read in id order, in batches, each with its follow-ups.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from deskline.operations.migration import helpdesk_map
from deskline.operations.migration.records import SourceFile, SourceTicket
from deskline.operations.migration.sourcedb import SourceDb, SourceError, in_clause

BATCH = 200
REQUIRED = ("helpdesk_queue", "helpdesk_ticket", "helpdesk_followup")


def _file_reader(media_dir: Path | None, relative: str) -> Callable[[], bytes]:
    def read() -> bytes:
        if media_dir is None:
            raise OSError("give --media-dir (django-helpdesk's MEDIA_ROOT) to bring files")
        path = (media_dir / relative).resolve()
        if not path.is_relative_to(media_dir.resolve()):
            raise OSError(f"{relative} points outside the media folder")
        return path.read_bytes()

    return read


class DjangoHelpdeskReader:
    source = "django-helpdesk"

    def __init__(self, db: SourceDb, *, media_dir: Path | None = None,
                 user_table: str = "auth_user") -> None:  # fmt: skip
        if not user_table.replace("_", "").isalnum():
            raise SourceError(f"not a table name: {user_table!r}")
        self.db, self.media_dir, self.user_table = db, media_dir, user_table
        missing = [t for t in (*REQUIRED, user_table) if not db.has_table(t)]
        if missing:
            raise SourceError(f"not a django-helpdesk database: no table {', '.join(missing)}")
        self.attachment_table = next(
            (t for t in ("helpdesk_followupattachment", "helpdesk_attachment") if db.has_table(t)),
            None,
        )
        self.queues = {
            int(r["id"]): str(r["title"]) for r in db.rows("SELECT id, title FROM helpdesk_queue")
        }
        self.users = {
            int(r["id"]): r
            for r in db.rows(
                f"SELECT id, username, email, first_name, last_name FROM {user_table}"  # noqa: S608
            )
        }

    def count(self) -> int:
        return int(self.db.rows("SELECT COUNT(*) AS n FROM helpdesk_ticket")[0]["n"])

    def max_number(self) -> int:
        found = self.db.rows("SELECT MAX(id) AS n FROM helpdesk_ticket")[0]["n"]
        return int(found or 0)

    def tickets(self) -> Iterator[SourceTicket]:
        last = 0
        while True:
            batch = self.db.rows(
                "SELECT * FROM helpdesk_ticket WHERE id > %s ORDER BY id LIMIT %s", [last, BATCH]
            )
            if not batch:
                return
            last = int(batch[-1]["id"])
            yield from self._records(batch)

    def _records(self, tickets: list[dict[str, Any]]) -> Iterator[SourceTicket]:
        ids = [int(t["id"]) for t in tickets]
        followups: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in self.db.rows(
            f"SELECT * FROM helpdesk_followup WHERE ticket_id IN {in_clause(ids)} "  # noqa: S608
            "ORDER BY date, id", ids,
        ):  # fmt: skip
            followups[int(row["ticket_id"])].append(row)
        files = self._files([int(f["id"]) for rows in followups.values() for f in rows])
        for ticket in tickets:
            yield helpdesk_map.ticket_record(
                ticket, queue_title=self.queues.get(int(ticket["queue_id"]), ""),
                followups=followups.get(int(ticket["id"]), []), files_by_followup=files,
                users=self.users,
            )  # fmt: skip

    def _files(self, followup_ids: list[int]) -> dict[int, list[SourceFile]]:
        found: dict[int, list[SourceFile]] = defaultdict(list)
        if self.attachment_table is None or not followup_ids:
            return found
        rows = self.db.rows(
            f"SELECT id, followup_id, file, filename, size FROM {self.attachment_table} "  # noqa: S608
            f"WHERE followup_id IN {in_clause(followup_ids)} ORDER BY id", followup_ids,
        )  # fmt: skip
        for row in rows:
            relative = str(row["file"] or "")
            found[int(row["followup_id"])].append(SourceFile(
                external_id=str(row["id"]),
                filename=row.get("filename") or Path(relative).name or "file",
                read=_file_reader(self.media_dir, relative), size=row.get("size"),
            ))  # fmt: skip
        return found
