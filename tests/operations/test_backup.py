"""Backup and restore round-trip a populated installation on the database the suite runs on."""

from __future__ import annotations

import io
import sqlite3
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from deskline.cli import main
from deskline.operations.archive import ArchiveError
from deskline.operations.backup import BackupError, backup_create, backup_restore
from deskline.tickets.services import attachment_add, comment_add, ticket_create
from tests.factories import AdminFactory, ContactFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _populate() -> None:
    admin = AdminFactory()
    contact = ContactFactory(phone="+7 912 345-67-89")
    for n in range(3):
        ticket = ticket_create(actor=admin, title=f"Lift {n} stuck", contact_id=contact.pk)
        comment_add(actor=admin, number=ticket.number, body=f"On our way ({n})", is_public=True)
        body = f"photo {n}".encode() * 100
        attachment_add(actor=admin, number=ticket.number, filename=f"p{n}.txt",
                       content=io.BytesIO(body), size=len(body))  # fmt: skip


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Settings of a second, empty database of the same kind as the suite's."""
    source = connection.settings_dict
    if connection.vendor == "sqlite":
        yield {**source, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    name = f"deskline_restore_{tmp_path.name[-20:]}".replace("-", "_").lower()
    admin = {**source, "NAME": "postgres"}
    with psycopg.connect(**_pg_params(admin), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    yield {**source, "NAME": name}
    with psycopg.connect(**_pg_params(admin), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_params(database: dict[str, Any]) -> dict[str, Any]:
    return {"dbname": database["NAME"], "host": database.get("HOST") or None,
            "port": database.get("PORT") or None, "user": database.get("USER") or None,
            "password": database.get("PASSWORD") or None}  # fmt: skip


def _tables(database: dict[str, Any]) -> dict[str, list[str]]:
    """Every table's rows, as sorted reprs (order of rows is not part of the data)."""
    if database["ENGINE"].endswith("sqlite3"):
        with sqlite3.connect(database["NAME"]) as db:
            names = [r[0] for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name NOT LIKE 'tickets_fts_%'"
            )]  # fmt: skip
            return {n: sorted(map(repr, db.execute(f'SELECT * FROM "{n}"'))) for n in names}  # noqa: S608
    with psycopg.connect(**_pg_params(database)) as db:
        names = [
            r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        return {n: sorted(map(repr, db.execute(f'SELECT * FROM "{n}"'))) for n in names}  # noqa: S608


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_restored_backup_holds_every_row_and_every_file(
    tmp_path: Path, empty_database: dict[str, Any]
) -> None:
    _populate()
    archive = tmp_path / "backup.tar.gz"
    backup_create(archive)
    restored_media = tmp_path / "restored-media"
    backup_restore(archive, database=empty_database, media_root=restored_media,
                   data_dir=tmp_path / "restored-data")  # fmt: skip
    source = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.close()  # let the copy read the same committed file
    assert _tables(empty_database) == _tables(dict(source))
    assert _files(restored_media) == _files(Path(settings.MEDIA_ROOT))
    assert len(_files(restored_media)) == 3


def test_a_damaged_archive_is_refused_before_anything_is_written(
    tmp_path: Path, empty_database: dict[str, Any]
) -> None:
    _populate()
    archive = tmp_path / "backup.tar.gz"
    backup_create(archive)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read() if member.isfile() else b""  # type: ignore[union-attr]
            if member.name.startswith("media/"):
                data = b"X" + data[1:]
            dst.addfile(member, io.BytesIO(data))
    media = tmp_path / "restored-media"
    with pytest.raises(ArchiveError, match="checksum mismatch"):
        backup_restore(damaged, database=empty_database, media_root=media)
    assert not media.exists() or not _files(media)
    assert (
        not _tables(empty_database)
        or connection.vendor == "sqlite"
        and not Path(empty_database["NAME"]).exists()
    )


def test_restore_refuses_a_database_that_is_not_empty(tmp_path: Path) -> None:
    _populate()
    archive = tmp_path / "backup.tar.gz"
    backup_create(archive)
    with pytest.raises(BackupError, match="not empty"):
        backup_restore(archive, media_root=tmp_path / "m")


def test_the_backup_command_refuses_to_overwrite_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "exists.tar.gz"
    target.write_bytes(b"keep me")
    assert main(["backup", str(target)]) == 1
    assert "exists" in capsys.readouterr().err
    assert target.read_bytes() == b"keep me"
