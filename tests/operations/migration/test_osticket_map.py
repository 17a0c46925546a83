"""osTicket rows to records: the pure mapping rules."""

from __future__ import annotations

import pytest

from deskline.operations.migration import osticket_map as m


@pytest.mark.parametrize(
    ("state", "name", "answered", "phase"),
    [
        ("open", "Open", False, "new"),
        ("open", "Open", True, "open"),
        ("closed", "Resolved", True, "resolved"),
        ("closed", "Closed", True, "closed"),
        ("archived", "Archived", False, "closed"),
        ("deleted", "Deleted", False, "closed"),
    ],
)
def test_status_states_map_to_phases(state: str, name: str, answered: bool, phase: str) -> None:
    assert m.phase_for(state, name, answered=answered) == phase


def test_urgency_one_to_four_maps_to_critical_down_to_low() -> None:
    assert [m.priority_for(u) for u in (1, 2, 3, 4, None)] == [
        "critical", "high", "normal", "low", "normal"
    ]  # fmt: skip


def test_the_priority_answer_is_read_from_its_id_or_its_json_value() -> None:
    assert m.priority_id_of('{"3":"High"}', None) == 3
    assert m.priority_id_of("x", 2) == 2
    assert m.priority_id_of("2", None) == 2
    assert m.priority_id_of("High", None) is None


def test_plain_numbers_are_kept_and_patterned_ones_reported() -> None:
    assert m.number_of("482913") == (482913, "")
    assert m.number_of("ABC-0007") == (None, "ABC-0007")
    assert m.number_of(None) == (None, "")
