"""Upload rules for attachments (tickets' and knowledge-base articles'): size and type limits,
and reading an upload once into checked bytes with its digest."""

from __future__ import annotations

import hashlib
import mimetypes
import os
import unicodedata
from dataclasses import dataclass
from typing import IO

import filetype

BLOCKED_EXTENSIONS = frozenset(
    {
        ".exe", ".com", ".bat", ".cmd", ".scr", ".msi", ".msp", ".dll", ".ps1", ".vbs", ".vbe",
        ".js", ".jse", ".wsf", ".wsh", ".hta", ".cpl", ".jar", ".lnk", ".reg", ".sh", ".app",
        ".html", ".htm", ".xhtml", ".svg",
    }
)  # fmt: skip
BLOCKED_MIME_TYPES = frozenset(
    {
        "application/x-msdownload", "application/x-dosexec", "application/x-executable",
        "application/x-elf", "application/x-mach-binary", "application/x-sharedlib",
        "application/vnd.microsoft.portable-executable",
    }
)  # fmt: skip


class UploadRejected(ValueError):
    pass


def safe_filename(name: str) -> str:
    base = os.path.basename(name.replace("\\", "/"))
    base = unicodedata.normalize("NFC", base)
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    cleaned = cleaned.strip(". ")
    return (cleaned or "file")[:200]


def check_upload(*, filename: str, size: int, head: bytes, max_bytes: int) -> str:
    """Validate an upload and return its content type; raise UploadRejected with the reason."""
    if size <= 0:
        raise UploadRejected("the file is empty")
    if size > max_bytes:
        raise UploadRejected(f"the file is larger than {max_bytes // (1024 * 1024)} MB")
    extension = os.path.splitext(filename)[1].lower()
    if extension in BLOCKED_EXTENSIONS:
        raise UploadRejected(f"files of type {extension} are not accepted")
    sniffed = filetype.guess_mime(head)
    if sniffed in BLOCKED_MIME_TYPES or head[:2] == b"MZ" or head[:4] == b"\x7fELF":
        raise UploadRejected("executable files are not accepted")
    guessed = mimetypes.guess_type(filename)[0]
    return sniffed or guessed or "application/octet-stream"


@dataclass(frozen=True)
class CheckedUpload:
    filename: str
    content_type: str
    size: int
    sha256: str
    data: bytes


def read_upload(*, filename: str, content: IO[bytes], size: int, max_bytes: int) -> CheckedUpload:
    """The upload's safe name, checked type, digest and bytes; UploadRejected with the reason."""
    name = safe_filename(filename)
    head = content.read(8192)
    content_type = check_upload(filename=name, size=size, head=head, max_bytes=max_bytes)
    digest = hashlib.sha256(head)
    chunks = [head]
    for chunk in iter(lambda: content.read(1024 * 1024), b""):
        digest.update(chunk)
        chunks.append(chunk)
    return CheckedUpload(name, content_type, size, digest.hexdigest(), b"".join(chunks))
