"""Reading an osTicket database (1.10 and later; tables as setup/inc/streams/core/
install-mysql.sql makes them, `ost_` unless the installation chose another prefix).

Files stored in the database (osTicket's default backend "D") are read from file_chunk;
files of the filesystem storage plugin ("F") from `media_dir`/<first letter of key>/<key>.
Files left in osTicket 1.6's upload folder ("6") are reported, not read.
"""

# Queries name tables as the prefix (checked to be a plain name) plus constants of this module.
# ruff: noqa: S608

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from deskline.operations.migration import osticket_map
from deskline.operations.migration.records import SourceFile, SourcePerson, SourceTicket
from deskline.operations.migration.sourcedb import SourceDb, SourceError, in_clause

BATCH = 200
REQUIRED = ("ticket", "thread", "thread_entry", "ticket_status", "user", "user_email",
            "staff", "department", "form_entry", "form_entry_values", "form_field")  # fmt: skip


class OsTicketReader:
    source = "osticket"

    def __init__(
        self, db: SourceDb, *, prefix: str = "ost_", media_dir: Path | None = None
    ) -> None:
        if prefix and not prefix.replace("_", "").isalnum():
            raise SourceError(f"not a table prefix: {prefix!r}")
        self.db, self.p, self.media_dir = db, prefix, media_dir
        missing = [prefix + t for t in REQUIRED if not db.has_table(prefix + t)]
        if missing:
            raise SourceError(f"not an osTicket database: no table {', '.join(missing)}")
        p = prefix
        self.statuses = {int(r["id"]): r for r in db.rows(f"SELECT * FROM {p}ticket_status")}
        self.urgency = {
            int(r["priority_id"]): r["priority_urgency"]
            for r in db.rows(f"SELECT priority_id, priority_urgency FROM {p}ticket_priority")
        }
        self.departments = {
            int(r["id"]): str(r["name"]) for r in db.rows(f"SELECT id, name FROM {p}department")
        }
        self.staff = {int(r["staff_id"]): r for r in db.rows(
            f"SELECT staff_id, username, firstname, lastname, email FROM {p}staff")}  # fmt: skip

    def count(self) -> int:
        return int(self.db.rows(f"SELECT COUNT(*) AS n FROM {self.p}ticket")[0]["n"])

    def max_number(self) -> int:
        numbers = self.db.rows(f"SELECT number FROM {self.p}ticket")
        found = [osticket_map.number_of(r["number"])[0] for r in numbers]
        return max([n for n in found if n is not None], default=0)

    def tickets(self) -> Iterator[SourceTicket]:
        last = 0
        while True:
            batch = self.db.rows(
                f"SELECT * FROM {self.p}ticket WHERE ticket_id > %s "
                "ORDER BY ticket_id LIMIT %s", [last, BATCH],
            )  # fmt: skip
            if not batch:
                return
            last = int(batch[-1]["ticket_id"])
            yield from self._records(batch)

    def _records(self, tickets: list[dict[str, Any]]) -> Iterator[SourceTicket]:
        ids = [int(t["ticket_id"]) for t in tickets]
        answers = self._answers(ids)
        entries = self._entries(ids)
        files = self._files([int(e["id"]) for rows in entries.values() for e in rows])
        people = self._requesters([int(t["user_id"]) for t in tickets])
        for ticket in tickets:
            tid = int(ticket["ticket_id"])
            subject, priority = answers.get(tid, ("", None))
            yield osticket_map.ticket_record(
                ticket, subject=subject, urgency=self.urgency.get(priority or 0),
                status=self.statuses.get(int(ticket["status_id"] or 0)),
                department=self.departments.get(int(ticket["dept_id"] or 0), ""),
                requester=people.get(int(ticket["user_id"] or 0)), entries=entries.get(tid, []),
                files_by_entry=files, staff=self.staff,
            )  # fmt: skip

    def _answers(self, ids: Sequence[int]) -> dict[int, tuple[str, int | None]]:
        """{ticket id: (subject, priority id)} from the ticket form's answers."""
        rows = self.db.rows(
            f"SELECT e.object_id AS ticket_id, f.name AS name, v.value AS value, "
            f"v.value_id AS value_id FROM {self.p}form_entry e "
            f"JOIN {self.p}form_entry_values v ON v.entry_id = e.id "
            f"JOIN {self.p}form_field f ON f.id = v.field_id "
            f"WHERE e.object_type = 'T' AND f.name IN ('subject', 'priority') "
            f"AND e.object_id IN {in_clause(ids)}", ids,
        )  # fmt: skip
        found: dict[int, tuple[str, int | None]] = {}
        for row in rows:
            subject, priority = found.get(int(row["ticket_id"]), ("", None))
            if row["name"] == "subject":
                subject = str(row["value"] or "")
            else:
                priority = osticket_map.priority_id_of(row["value"], row["value_id"])
            found[int(row["ticket_id"])] = (subject, priority)
        return found

    def _entries(self, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
        found: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in self.db.rows(
            f"SELECT te.*, t.object_id AS ticket_id FROM {self.p}thread_entry te "
            f"JOIN {self.p}thread t ON t.id = te.thread_id "
            f"WHERE t.object_type = 'T' AND t.object_id IN {in_clause(ids)} "
            "ORDER BY te.created, te.id", ids,
        ):  # fmt: skip
            found[int(row["ticket_id"])].append(row)
        return found

    def _requesters(self, user_ids: Sequence[int]) -> dict[int, SourcePerson]:
        ids = sorted({u for u in user_ids if u})
        if not ids:
            return {}
        org = self.db.has_table(f"{self.p}organization")
        rows = self.db.rows(
            "SELECT u.id, u.name, e.address, "
            + (f"(SELECT name FROM {self.p}organization o WHERE o.id = u.org_id) AS company "
               if org else "'' AS company ")
            + f"FROM {self.p}user u LEFT JOIN {self.p}user_email e ON e.id = u.default_email_id "
            f"WHERE u.id IN {in_clause(ids)}", ids,
        )  # fmt: skip
        return {
            int(r["id"]): SourcePerson(external_id=str(r["id"]), email=r["address"] or "",
                                       name=r["name"] or "", company=r["company"] or "")
            for r in rows
        }  # fmt: skip

    def _files(self, entry_ids: Sequence[int]) -> dict[int, list[SourceFile]]:
        found: dict[int, list[SourceFile]] = defaultdict(list)
        if not entry_ids or not self.db.has_table(f"{self.p}attachment"):
            return found
        for row in self.db.rows(
            f"SELECT a.id, a.object_id, a.name, f.id AS file_id, f.name AS file_name, f.size, "
            f"f.bk, f.{'`key`' if self.db.vendor == 'mysql' else 'key'} AS file_key "
            f"FROM {self.p}attachment a JOIN {self.p}file f ON f.id = a.file_id "
            f"WHERE a.type = 'H' AND a.inline = 0 AND a.object_id IN {in_clause(entry_ids)} "
            "ORDER BY a.id", entry_ids,
        ):  # fmt: skip
            found[int(row["object_id"])].append(SourceFile(
                external_id=str(row["id"]), filename=row["name"] or row["file_name"] or "file",
                read=self._reader(row), size=row["size"],
            ))  # fmt: skip
        return found

    def _reader(self, row: dict[str, Any]) -> Callable[[], bytes]:
        backend, file_id = row["bk"] or "D", int(row["file_id"])
        key = str(row["file_key"] or "")

        def read() -> bytes:
            if backend == "D":
                chunks = self.db.rows(f"SELECT filedata FROM {self.p}file_chunk "
                                      "WHERE file_id = %s ORDER BY chunk_id", [file_id])  # fmt: skip
                return b"".join(bytes(c["filedata"]) for c in chunks)
            if backend == "F" and self.media_dir is not None and key:
                return (self.media_dir / key[0] / key).read_bytes()
            raise OSError(f"file {file_id} is kept by storage backend {backend!r}: "
                          "for F give --media-dir (the storage plugin's folder)")  # fmt: skip

        return read
