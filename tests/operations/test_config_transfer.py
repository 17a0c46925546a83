"""Configuration moves from a sandbox to production as a file, reviewed as a diff first."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from deskline.cli import main
from deskline.operations.config_transfer import (
    ConfigFileError,
    config_diff,
    config_export,
    config_import,
)
from deskline.tickets.models import Priority, Status

pytestmark = pytest.mark.django_db


def _edited(text: str) -> str:
    body = json.loads(text)
    for row in body["objects"]:
        if row["model"] == "tickets.status" and row["fields"]["code"] == "new":
            row["fields"]["name"] = "Just arrived"
    top = max(r["pk"] for r in body["objects"] if r["model"] == "tickets.priority")
    body["objects"].append({"model": "tickets.priority", "pk": top + 1, "fields": {
        "code": "blocker", "name": "Blocker", "weight": 99, "color": "#000000",
        "is_default": False}})  # fmt: skip
    return json.dumps(body)


def test_an_unedited_export_imports_as_no_change() -> None:
    diff = config_diff(config_export())
    assert diff.empty and diff.unchanged > 10 and not diff.only_here


def test_the_diff_names_each_changed_field_and_each_new_row_and_changes_nothing() -> None:
    diff = config_diff(_edited(config_export()))
    ((row, changes),) = diff.changed.items()
    assert row.startswith("tickets.Status:") and changes["name"][1] == "Just arrived"
    assert len(diff.added) == 1 and "tickets.Priority" in diff.added[0]
    assert not Priority.objects.filter(code="blocker").exists()


def test_importing_applies_the_file_and_new_rows_do_not_block_later_ones() -> None:
    config_import(_edited(config_export()))
    assert Status.objects.get(code="new").name == "Just arrived"
    assert Priority.objects.filter(code="blocker").exists()
    Priority.objects.create(code="later", name="Later", weight=98)  # the id sequence moved on


def test_a_file_with_other_data_than_configuration_is_refused() -> None:
    body = {"format": "deskline-config", "version": 1,
            "objects": [{"model": "accounts.user", "pk": 1, "fields": {}}]}  # fmt: skip
    with pytest.raises(ConfigFileError, match="not configuration"):
        config_diff(json.dumps(body))


def test_the_command_shows_the_diff_and_applies_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(_edited(config_export()))
    out = io.StringIO()
    call_command("config_transfer", "import", str(path), stdout=out)  # `deskline config import`
    assert 'name: "New" -> "Just arrived"' in out.getvalue() and "--apply" in out.getvalue()
    assert Status.objects.get(code="new").name != "Just arrived"
    call_command("config_transfer", "import", str(path), "--apply", stdout=io.StringIO())
    assert Status.objects.get(code="new").name == "Just arrived"


def test_the_cli_refuses_a_file_that_is_not_an_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.json"
    path.write_text("{}")
    assert main(["config", "import", str(path)]) == 1
    assert "not a Deskline configuration export" in capsys.readouterr().err
