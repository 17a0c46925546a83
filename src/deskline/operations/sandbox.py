"""A sandbox: a separate, runnable copy of the installation where nothing leaves the machine.

`sandbox_create` copies the database and the uploads (through the backup archive, so the copy
is as consistent as a backup) into its own data folder (`$DESKLINE_DATA_DIR/sandbox`) and its own
database (a file on SQLite, a new database on PostgreSQL), writes `sandbox.env` with the
settings a sandbox runs with (`DESKLINE_SANDBOX=true` gates every outbound message into the
sandbox's log), then prepares the copy from inside it: mailboxes stop polling (a sandbox must
never take production's mail) and, when asked, the data is anonymised.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
from django.conf import settings
from django.db import connection

from deskline.operations.backup import BackupError, backup_create, backup_restore

ENV_FILE = "sandbox.env"


@dataclass(frozen=True)
class Sandbox:
    folder: Path
    database_url: str


def sandbox_folder() -> Path:
    return Path(settings.DATA_DIR) / "sandbox"


def sandbox_env(folder: Path) -> dict[str, str]:
    """The environment a sandbox's processes run with (from its `sandbox.env`)."""
    path = folder / ENV_FILE
    if not path.is_file():
        raise BackupError(f"no sandbox at {folder}: create one with `deskline sandbox create`")
    values = dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {**os.environ, **values, "DESKLINE_DATA_DIR": str(folder), "DESKLINE_SANDBOX": "true"}


def _target_database(folder: Path, database_url: str | None) -> tuple[str, dict[str, Any]]:
    if connection.vendor == "sqlite":
        url = database_url or f"sqlite:///{folder / 'deskline.sqlite3'}"
    else:
        source = connection.settings_dict
        url = database_url or _pg_url({**source, "NAME": f"{source['NAME']}_sandbox"})
    target = dj_database_url.parse(url)
    if target["ENGINE"].endswith("sqlite3") != connection.settings_dict["ENGINE"].endswith(
        "sqlite3"
    ):
        raise BackupError("the sandbox uses the same kind of database as the installation")
    return url, dict(target)


def _pg_url(database: dict[str, Any]) -> str:
    auth = database.get("USER") or ""
    if database.get("PASSWORD"):
        auth += f":{database['PASSWORD']}"
    host = f"{database.get('HOST') or '127.0.0.1'}:{database.get('PORT') or 5432}"
    return (
        f"postgres://{auth}@{host}/{database['NAME']}"
        if auth
        else f"postgres://{host}/{database['NAME']}"
    )


def _create_pg_database(target: dict[str, Any]) -> None:
    with psycopg.connect(
        dbname="postgres", host=target.get("HOST") or None, port=target.get("PORT") or None,
        user=target.get("USER") or None, password=target.get("PASSWORD") or None, autocommit=True,
    ) as db:  # fmt: skip
        exists = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target["NAME"]])
        if exists.fetchone() is None:
            db.execute(f'CREATE DATABASE "{target["NAME"]}"')


def sandbox_create(
    *, anonymise: bool = False, folder: Path | None = None, database_url: str | None = None
) -> Sandbox:
    folder = folder or sandbox_folder()
    if (folder / ENV_FILE).exists():
        raise BackupError(
            f"a sandbox exists at {folder}; remove it first with `deskline sandbox remove`"
        )
    folder.mkdir(parents=True, exist_ok=True)
    url, target = _target_database(folder, database_url)
    source = connection.settings_dict
    if (target.get("HOST"), target.get("PORT"), str(target["NAME"])) == (
        source.get("HOST"),
        source.get("PORT"),
        str(source["NAME"]),
    ):
        raise BackupError("the sandbox needs its own database, not the installation's")
    if connection.vendor == "postgresql":
        _create_pg_database(target)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".copy-") as scratch:
        archive = Path(scratch) / "copy.tar.gz"
        backup_create(archive)
        backup_restore(archive, database=target, media_root=folder / "media", data_dir=folder)
    since = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    (folder / ENV_FILE).write_text(
        f"DATABASE_URL={url}\nDESKLINE_SANDBOX=true\nDESKLINE_SANDBOX_SINCE={since}\n"
    )
    (folder / ENV_FILE).chmod(0o600)
    _prepare(folder, anonymise)
    return Sandbox(folder, url)


def _prepare(folder: Path, anonymise: bool) -> None:
    """Run the preparing step inside the sandbox: its own settings, its own database."""
    command = [sys.executable, "-m", "deskline.cli", "manage", "sandbox_prepare"]
    if anonymise:
        command.append("--anonymise")
    done = subprocess.run(command, env=sandbox_env(folder), check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"preparing the sandbox failed (exit {done.returncode}); see above")


def sandbox_remove(folder: Path | None = None) -> Path:
    folder = folder or sandbox_folder()
    env = sandbox_env(folder)
    target = dj_database_url.parse(env["DATABASE_URL"])
    if target["ENGINE"].endswith("postgresql"):
        with psycopg.connect(
            dbname="postgres", host=target.get("HOST") or None, port=target.get("PORT") or None,
            user=target.get("USER") or None, password=target.get("PASSWORD") or None,
            autocommit=True,
        ) as db:  # fmt: skip
            db.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}" WITH (FORCE)')
    shutil.rmtree(folder)
    return folder
