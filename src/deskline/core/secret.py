"""The Django secret key: from SECRET_KEY, else generated once and kept in the data folder."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def load_or_create_secret_key(folder: Path, from_env: str = "") -> str:
    """`from_env` (the SECRET_KEY setting) if given, else the key kept in `folder`."""
    if from_env:
        return from_env
    key_file = folder / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # O_EXCL: when two processes start at once, the first writer wins and the other reads it.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
