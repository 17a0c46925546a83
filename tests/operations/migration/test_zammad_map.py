"""Zammad API objects to records: the pure mapping rules."""

from __future__ import annotations

import pytest

from deskline.operations.migration import zammad_map as m


@pytest.mark.parametrize(
    ("state", "phase"),
    [("new", "new"), ("open", "open"), ("pending reminder", "waiting"),
     ("pending close", "waiting"), ("closed", "closed"), ("merged", "closed"),
     ("removed", "closed"), ("in review", "open")],
)  # fmt: skip
def test_states_map_to_phases(state: str, phase: str) -> None:
    assert m.phase_for(state) == phase


def test_priorities_by_their_number_or_their_words() -> None:
    assert [m.priority_for(p) for p in ("1 low", "2 normal", "3 high", "Urgent", "", "10 x")] == [
        "low", "normal", "high", "critical", "normal", "normal"
    ]  # fmt: skip


def test_user_one_is_nobody_and_others_carry_their_organisation() -> None:
    assert m.person({"id": 1, "login": "-"}) is None
    sam = m.person({"id": 6, "firstname": "Sam", "lastname": "L", "email": "s@x"}, "Acme")
    assert sam is not None and (sam.name, sam.company) == ("Sam L", "Acme")


def test_inline_images_are_not_files() -> None:
    article = {"id": 5, "attachments": [
        {"id": 1, "filename": "a.txt", "preferences": {}},
        {"id": 2, "filename": "x@y", "preferences": {"Content-Disposition": "inline"}},
    ]}  # fmt: skip
    files = m.article_files(9, article, lambda t, a, f: lambda: b"")
    assert [f.filename for f in files] == ["a.txt"]
