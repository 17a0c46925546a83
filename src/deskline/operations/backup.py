"""`deskline backup` and `deskline restore`: the database and the uploaded files, checked.

A backup is taken while the service runs. SQLite is copied with its online backup API (a
consistent snapshot even while others write); PostgreSQL with `pg_dump` in the custom format
(one snapshot transaction). Uploaded files are copied after the database: a file is always
stored before the row that names it commits, so every file the dump refers to is in the
archive. Restore goes only into an empty installation, after every member has been checked
against the manifest; the archive is written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from deskline.operations.archive import (
    ArchiveError,
    ArchiveWriter,
    Manifest,
    read_manifest,
    verify_and_extract,
)

SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"
#: The generated secret key (when SECRET_KEY is not set): stored secrets and signed links need it.
SECRET_MEMBER = "secret_key"  # noqa: S105 (a file name, not a secret)
Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def progress_lines(write: Callable[[str], Any], verb: str, every: int = 100) -> Progress:
    """A progress callback writing the first item and every `every`th: "  N items <verb>… name"."""
    count = 0

    def progress(name: str) -> None:
        nonlocal count
        count += 1
        if count == 1 or count % every == 0:
            write(f"  {count} items {verb}… {name}")

    return progress


def _applied_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).migration_qs.values_list("app", "name"):
        latest[app] = max(latest.get(app, ""), name)
    return latest


def _pg_env(database: Mapping[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                          ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):  # fmt: skip
        if database.get(key):
            env[variable] = str(database[key])
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed; it comes with PostgreSQL's client tools "
            "(Debian: apt install postgresql-client, the same major version as the server)"
        )
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


def _dump_database(folder: Path) -> tuple[str, Path]:
    if connection.vendor == "sqlite":
        target = folder / SQLITE_MEMBER
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return SQLITE_MEMBER, target
    if connection.vendor == "postgresql":
        target = folder / POSTGRES_MEMBER
        command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl",
                   f"--file={target}"]  # fmt: skip
        _run(command, _pg_env(connection.settings_dict))
        return POSTGRES_MEMBER, target
    raise BackupError(f"backups of {connection.vendor} databases are not supported")


def _media_files(media_root: Path) -> list[tuple[str, Path]]:
    if not media_root.is_dir():
        return []
    return sorted(
        (MEDIA_PREFIX + path.relative_to(media_root).as_posix(), path)
        for path in media_root.rglob("*")
        if path.is_file()
    )


def backup_create(target: Path, *, progress: Progress | None = None) -> Manifest:
    """Write a backup of the database and the uploaded files to `target` (a .tar.gz)."""
    say = progress or (lambda _: None)
    manifest = Manifest(
        vendor=connection.vendor,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        migrations=_applied_migrations(),
    )
    partial = target.with_name(target.name + ".partial")
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as scratch:
        say("database")
        name, dump = _dump_database(Path(scratch))
        writer = ArchiveWriter(partial, manifest)
        try:
            writer.add_file(name, dump)
            key_file = Path(settings.DATA_DIR) / SECRET_MEMBER
            if key_file.is_file():
                writer.add_file(SECRET_MEMBER, key_file)
            for member, path in _media_files(Path(settings.MEDIA_ROOT)):
                say(member)
                writer.add_file(member, path)
        finally:
            writer.close()
    partial.replace(target)
    return manifest


def _pg_connect(database: Mapping[str, Any]) -> psycopg.Connection[Any]:
    return psycopg.connect(
        dbname=database["NAME"], host=database.get("HOST") or None,
        port=database.get("PORT") or None, user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
    )  # fmt: skip


def _is_empty(database: Mapping[str, Any]) -> bool:
    if database["ENGINE"].endswith("sqlite3"):
        path = Path(str(database["NAME"]))
        if not path.exists():
            return True
        with sqlite3.connect(path) as db:
            tables = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
            return int(tables.fetchone()[0]) == 0
    with _pg_connect(database) as db:
        row = db.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
        return row is not None and int(row[0]) == 0


def backup_restore(
    source: Path,
    *,
    database: Mapping[str, Any] | None = None,
    media_root: Path | None = None,
    data_dir: Path | None = None,
    progress: Progress | None = None,
) -> Manifest:
    """Restore `source` into the (empty) database `alias`, the uploads folder and, when the
    backup holds a generated secret key, the data folder's key (the empty installation's new
    key signs nothing yet)."""
    say = progress or (lambda _: None)
    database = database or connection.settings_dict
    media = Path(media_root or settings.MEDIA_ROOT)
    manifest = read_manifest(source)
    vendor = "sqlite" if database["ENGINE"].endswith("sqlite3") else "postgresql"
    if manifest.vendor != vendor:
        raise BackupError(f"this is a {manifest.vendor} backup; it restores into {manifest.vendor}")
    if not _is_empty(database):
        raise BackupError(
            f"the database {database['NAME']} is not empty; restore goes into an empty "
            "installation (a new database, or a new DESKLINE_DATA_DIR for SQLite)"
        )
    media.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media.parent, prefix=".restore-") as scratch:
        folder = Path(scratch)
        try:
            for name in verify_and_extract(source, manifest, folder):
                say(name)
        except (OSError, EOFError) as exc:
            raise ArchiveError(f"cannot read the archive: {exc}") from exc
        if database is connection.settings_dict:
            connection.close()
        _load_database(folder, database, vendor)
        _move_media(folder / MEDIA_PREFIX.rstrip("/"), media)
        key = folder / SECRET_MEMBER
        if key.is_file():
            target = Path(data_dir or settings.DATA_DIR) / SECRET_MEMBER
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(key, target)
            target.chmod(0o600)
    return manifest


def _load_database(folder: Path, database: Mapping[str, Any], vendor: str) -> None:
    if vendor == "sqlite":
        target = Path(str(database["NAME"]))
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.move(folder / SQLITE_MEMBER, target)
        return
    command = [_tool("pg_restore"), "--no-owner", "--no-acl", "--exit-on-error",
               f"--dbname={database['NAME']}", str(folder / POSTGRES_MEMBER)]  # fmt: skip
    _run(command, _pg_env(database))


def _move_media(extracted: Path, media: Path) -> None:
    if not extracted.is_dir():
        return
    for path in sorted(extracted.rglob("*")):
        if path.is_file():
            destination = media / path.relative_to(extracted)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, destination)
