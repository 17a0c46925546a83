"""Reading settings from environment variables, strictly, with safe defaults.

Every setting Deskline reads is declared in `settings.py` through these helpers; nothing else
reads the environment. A value that cannot be understood (`DESKLINE_SECURE_COOKIES=ture`,
`EMAIL_PORT=twenty-five`) stops the start with a message naming the variable, rather than
silently meaning "false" or the default. Secrets may come from a file: `SECRET_KEY_FILE=/run/
secrets/key` reads the value from that file (Docker and systemd credentials work this way);
setting both `X` and `X_FILE` is an error.
"""

from __future__ import annotations

import os
from pathlib import Path

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


class SettingError(ValueError):
    """An environment variable holds a value Deskline cannot use."""


def env_raw(name: str) -> str | None:
    """The variable's value, or the content of the file `<name>_FILE` names; None if unset."""
    value, path = os.environ.get(name), os.environ.get(f"{name}_FILE")
    if path:
        if value:
            raise SettingError(f"set {name} or {name}_FILE, not both")
        try:
            return Path(path).read_text().rstrip("\r\n")
        except OSError as exc:
            raise SettingError(f"{name}_FILE: cannot read {path}: {exc.strerror}") from exc
    return value


def env_str(name: str, default: str = "") -> str:
    raw = env_raw(name)
    return default if raw is None else raw


def env_bool(name: str, default: bool = False) -> bool:
    raw = env_raw(name)
    if raw is None or raw.strip() == "":
        return default
    word = raw.strip().lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise SettingError(f"{name} must be true or false (or 1/0, yes/no, on/off), not {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = env_raw(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingError(f"{name} must be a whole number, not {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise SettingError(f"{name} must be at least {minimum}, not {value}")
    return value


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    raw = env_raw(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingError(f"{name} must be a number, not {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise SettingError(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_raw(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = env_raw(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip()
    if value.upper() in {c.upper() for c in choices}:
        return next(c for c in choices if c.upper() == value.upper())
    raise SettingError(f"{name} must be one of {', '.join(choices)}, not {raw!r}")


def data_dir() -> Path:
    """The folder holding the SQLite database, uploads and the generated secret key."""
    return Path(env_str("DESKLINE_DATA_DIR", "var")).resolve()


def database_url_given() -> bool:
    """Whether the database is named by DATABASE_URL (else it is SQLite in the data folder)."""
    return bool(env_raw("DATABASE_URL"))
