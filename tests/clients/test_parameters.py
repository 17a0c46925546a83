"""Equipment parameter definitions and values (pure: no database)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskline.clients.parameters import (
    ParameterDefinition,
    ParameterErrors,
    clean_parameters,
    parse_definitions,
)

POWER = ParameterDefinition("power_kw", "Power", "number", required=True)
NOTE = ParameterDefinition("note", "Note", "string")
INSTALLED = ParameterDefinition("installed", "Installed", "date")
UPS = ParameterDefinition("has_ups", "Has UPS", "boolean")
PHASE = ParameterDefinition("phase", "Phase", "select", choices=("single", "three"))
ALL = [POWER, NOTE, INSTALLED, UPS, PHASE]


def errors_of(values: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ParameterErrors) as caught:
        clean_parameters(values, ALL)
    return caught.value.errors


# Definitions.


def test_definitions_parse_into_typed_records() -> None:
    raw = [
        {"code": "power_kw", "name": "Power", "type": "number", "required": True},
        {"code": "phase", "name": " Phase ", "type": "select", "choices": ["single", "three"]},
    ]

    assert parse_definitions(raw) == [POWER, PHASE]


def test_definitions_round_trip_through_json() -> None:
    assert parse_definitions([d.as_json() for d in ALL]) == ALL


def test_definitions_must_be_a_list() -> None:
    with pytest.raises(ParameterErrors) as caught:
        parse_definitions({"code": "x"})

    assert caught.value.errors == {"": "must be a list"}


@pytest.mark.parametrize(
    ("definition", "key"),
    [
        ("power", "0"),
        ({"code": "1st", "name": "N", "type": "string"}, "0.code"),
        ({"code": "n", "name": " ", "type": "string"}, "0.name"),
        ({"code": "n", "name": "N", "type": "colour"}, "0.type"),
        ({"code": "n", "name": "N", "type": "string", "required": "yes"}, "0.required"),
        ({"code": "n", "name": "N", "type": "select", "choices": []}, "0.choices"),
        ({"code": "n", "name": "N", "type": "select", "choices": ["a", "a"]}, "0.choices"),
        ({"code": "n", "name": "N", "type": "number", "choices": ["a"]}, "0.choices"),
        ({"code": "n", "name": "N", "type": "number", "unit": "kW"}, "0.unit"),
    ],
)
def test_a_bad_definition_is_reported_by_index_and_key(definition: Any, key: str) -> None:
    with pytest.raises(ParameterErrors) as caught:
        parse_definitions([definition])

    assert key in caught.value.errors


def test_definition_codes_must_be_unique() -> None:
    twice = {"code": "n", "name": "N", "type": "string"}

    with pytest.raises(ParameterErrors) as caught:
        parse_definitions([twice, twice])

    assert caught.value.errors == {"1.code": "duplicate code"}


# Values.


def test_valid_values_of_every_type_are_kept() -> None:
    values = {"power_kw": 7.5, "note": "roof", "installed": "2024-02-29", "has_ups": False,
              "phase": "three"}  # fmt: skip

    assert clean_parameters(values, ALL) == values


def test_dates_are_stored_as_iso_dates() -> None:
    assert clean_parameters({"power_kw": 1, "installed": "20240229"}, ALL)["installed"] == (
        "2024-02-29"
    )


def test_unset_optional_values_are_dropped() -> None:
    values = {"power_kw": 1, "note": "  ", "installed": None}

    assert clean_parameters(values, ALL) == {"power_kw": 1}


def test_a_required_value_must_be_present() -> None:
    assert errors_of({}) == {"power_kw": "required"}


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("power_kw", "10"),
        ("power_kw", True),
        ("power_kw", float("nan")),
        ("power_kw", float("inf")),
        ("note", 5),
        ("note", "x" * 1001),
        ("installed", "2024-02-30"),
        ("installed", 20240229),
        ("has_ups", "yes"),
        ("has_ups", 1),
        ("phase", "two"),
    ],
)
def test_a_value_of_the_wrong_type_is_reported_by_code(code: str, value: Any) -> None:
    values = {"power_kw": 1, code: value}

    assert list(errors_of(values)) == [code]


def test_an_unknown_code_is_reported() -> None:
    assert errors_of({"power_kw": 1, "colour": "red"}) == {"colour": "unknown parameter"}


def test_every_problem_is_reported_at_once() -> None:
    assert set(errors_of({"colour": "red", "phase": "two"})) == {"colour", "phase", "power_kw"}


values_fitting_all = st.fixed_dictionaries(
    {"power_kw": st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False))},
    optional={
        "note": st.text(max_size=50).filter(str.strip),
        "installed": st.dates().map(lambda d: d.isoformat()),
        "has_ups": st.booleans(),
        "phase": st.sampled_from(PHASE.choices),
    },
)


@given(values_fitting_all)
def test_fitting_values_come_back_unchanged_and_cleaning_is_idempotent(
    values: dict[str, Any],
) -> None:
    cleaned = clean_parameters(values, ALL)

    assert cleaned == values
    assert clean_parameters(cleaned, ALL) == cleaned
