"""Settings are read strictly: a value that cannot be understood stops the start."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import deskline
from deskline.core.env import SettingError, env_bool, env_float, env_int, env_str


@pytest.mark.parametrize("raw, expected", [("1", True), ("TRUE", True), ("on", True),
                                           ("no", False), ("0", False), ("", False)])  # fmt: skip
def test_booleans_accept_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG") is expected


def test_a_misspelt_boolean_is_an_error_naming_the_variable(monkeypatch):
    monkeypatch.setenv("DESKLINE_SECURE_COOKIES", "ture")
    with pytest.raises(SettingError, match="DESKLINE_SECURE_COOKIES must be true or false"):
        env_bool("DESKLINE_SECURE_COOKIES")


def test_numbers_are_checked(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", "twenty-five")
    with pytest.raises(SettingError, match="EMAIL_PORT must be a whole number"):
        env_int("EMAIL_PORT", 25)
    monkeypatch.setenv("DESKLINE_TOKEN_CACHE_SECONDS", "-1")
    with pytest.raises(SettingError, match="at least 0"):
        env_float("DESKLINE_TOKEN_CACHE_SECONDS", 1.0, minimum=0)


def test_a_secret_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env_str("SECRET_KEY") == "s3cret"


def test_a_secret_given_twice_is_an_error(monkeypatch, tmp_path):
    (tmp_path / "key").write_text("a")
    monkeypatch.setenv("SECRET_KEY", "b")
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "key"))
    with pytest.raises(SettingError, match="not both"):
        env_str("SECRET_KEY")


def test_the_command_refuses_to_start_with_a_bad_setting(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DESKLINE_DATA_DIR": str(tmp_path),
           "DESKLINE_SECURE_COOKIES": "ture"}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "deskline.cli", "token", "create", "admin"],
        env={**env, "PYTHONPATH": str(Path(deskline.__file__).parent.parent)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "DESKLINE_SECURE_COOKIES must be true or false" in done.stderr
    assert "Traceback" not in done.stderr


def test_only_the_settings_read_the_environment():
    """Every setting is declared in settings.py (through core/env.py)."""
    root = Path(deskline.__file__).parent
    readers = []
    for path in root.rglob("*.py"):
        if path.name in ("env.py",) or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            text = ast.unparse(node) if isinstance(node, ast.Call) else ""
            if text.startswith(("os.environ.get(", "os.getenv(")) and "DJANGO_SETTINGS" not in text:
                readers.append(f"{path.relative_to(root)}: {text[:60]}")
    assert readers == []
