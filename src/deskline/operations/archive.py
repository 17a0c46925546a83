"""The backup archive: a tar with a manifest of every member's size and SHA-256 (no ORM).

Layout: `manifest.json`, the database dump (`database.sqlite3` or `database.pgdump`) and the
uploaded files under `media/`. The manifest is written last but read first: a restore checks
every member against it before touching the installation.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

MANIFEST = "manifest.json"
FORMAT = "deskline-backup"
FORMAT_VERSION = 1
CHUNK = 1 << 20


class ArchiveError(Exception):
    """The archive is not a Deskline backup, or a member does not match its manifest."""


@dataclass
class Manifest:
    vendor: str
    created_at: str
    migrations: dict[str, str]
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> bytes:
        body = {"format": FORMAT, "version": FORMAT_VERSION, "vendor": self.vendor,
                "created_at": self.created_at, "migrations": self.migrations, "files": self.files}  # fmt: skip
        return json.dumps(body, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise ArchiveError(f"the manifest is not JSON: {exc}") from exc
        if not isinstance(body, dict) or body.get("format") != FORMAT:
            raise ArchiveError("not a Deskline backup (no deskline-backup manifest)")
        if body.get("version") != FORMAT_VERSION:
            raise ArchiveError(f"backup format version {body.get('version')} is not supported")
        return cls(body["vendor"], body["created_at"], body["migrations"], body["files"])


def file_digest(stream: BinaryIO) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def member_name(name: str) -> str:
    """A safe member name: relative, no `..`, forward slashes (never a path out of the target)."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ArchiveError(f"unsafe member name in the archive: {name!r}")
    return str(path)


class ArchiveWriter:
    def __init__(self, target: Path, manifest: Manifest) -> None:
        self.manifest = manifest
        self._tar = tarfile.open(target, "w:gz", compresslevel=6)  # noqa: SIM115

    def add_file(self, name: str, path: Path) -> None:
        name = member_name(name)
        with path.open("rb") as stream:
            sha, size = file_digest(stream)
        self._tar.add(str(path), arcname=name, recursive=False)
        self.manifest.files[name] = {"sha256": sha, "size": size}

    def close(self) -> None:
        raw = self.manifest.to_json()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(raw)
        self._tar.addfile(info, io.BytesIO(raw))
        self._tar.close()


def read_manifest(source: Path) -> Manifest:
    try:
        with tarfile.open(source, "r:*") as tar:
            member = tar.getmember(MANIFEST)
            stream = tar.extractfile(member)
            if stream is None:
                raise ArchiveError("the manifest is not a file")
            return Manifest.from_json(stream.read())
    except KeyError as exc:
        raise ArchiveError("not a Deskline backup (no manifest.json)") from exc
    except (tarfile.TarError, OSError) as exc:
        raise ArchiveError(f"cannot read the archive: {exc}") from exc


def verify_and_extract(source: Path, manifest: Manifest, target: Path) -> Iterator[str]:
    """Extract every member the manifest lists into `target`, checking size and SHA-256; yields
    each name once checked. Members the manifest does not list are refused."""
    seen: set[str] = set()
    with tarfile.open(source, "r:*") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            name = member_name(member.name)
            expected = manifest.files.get(name)
            if expected is None or not member.isfile():
                raise ArchiveError(f"{name}: not listed in the manifest")
            stream = tar.extractfile(member)
            if stream is None:
                raise ArchiveError(f"{name}: unreadable")
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            digest, size = hashlib.sha256(), 0
            with destination.open("wb") as out:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            if (digest.hexdigest(), size) != (expected["sha256"], expected["size"]):
                raise ArchiveError(f"{name}: checksum mismatch (the backup is damaged)")
            seen.add(name)
            yield name
    missing = sorted(set(manifest.files) - seen)
    if missing:
        raise ArchiveError(f"members missing from the archive: {', '.join(missing[:5])}")
