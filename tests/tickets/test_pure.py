"""Pure modules of the tickets app: custom fields, sorting and cursors, uploads, stemming."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskline.tickets.custom_fields import CustomFieldErrors, FieldDefinition, clean_custom_fields
from deskline.tickets.listing import (
    FILTER_COLUMNS,
    UPDATED_INDEXES,
    BadCursor,
    decode_cursor,
    encode_cursor,
    parse_sort,
    pinned_filters,
    pinned_order,
)
from deskline.tickets.models import Ticket
from deskline.tickets.stemming import stemmed_text
from deskline.tickets.uploads import UploadRejected, check_upload, safe_filename

FIELDS = [
    FieldDefinition("name", "string"),
    FieldDefinition("notes", "text"),
    FieldDefinition("floor", "number"),
    FieldDefinition("visit", "date"),
    FieldDefinition("at", "datetime"),
    FieldDefinition("urgent", "checkbox"),
    FieldDefinition("colour", "select", choices=("red", "green")),
    FieldDefinition("tags", "multiselect", choices=("a", "b", "c")),
    FieldDefinition("serial", "string", required=True),
]


@pytest.mark.parametrize(
    ("code", "value", "cleaned"),
    [
        ("name", "Bob", "Bob"),
        ("floor", "2.50", 2.5),
        ("floor", 7, 7),
        ("visit", "2026-01-31", "2026-01-31"),
        ("at", "2026-01-31T12:00:00+03:00", "2026-01-31T09:00:00+00:00"),
        ("urgent", True, True),
        ("colour", "red", "red"),
        ("tags", ["c", "a"], ["a", "c"]),
    ],
)
def test_valid_custom_values_are_normalised(code, value, cleaned):
    assert clean_custom_fields({code: value, "serial": "1"}, FIELDS)[code] == cleaned


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("name", 5),
        ("name", "x" * 501),
        ("floor", "many"),
        ("floor", "NaN"),
        ("floor", True),
        ("visit", "31.01.2026"),
        ("at", "2026-01-31T12:00:00"),
        ("urgent", "yes"),
        ("colour", "blue"),
        ("tags", ["a", "z"]),
        ("unknown", 1),
    ],
)
def test_invalid_custom_values_name_the_field(code, value):
    with pytest.raises(CustomFieldErrors) as error:
        clean_custom_fields({code: value, "serial": "1"}, FIELDS)
    assert list(error.value.errors) == [f"custom_fields.{code}"]


def test_required_custom_field_may_come_from_existing_values():
    assert clean_custom_fields({"name": "x"}, FIELDS, existing={"serial": "9"})["serial"] == "9"


def test_missing_required_custom_field_is_reported():
    with pytest.raises(CustomFieldErrors) as error:
        clean_custom_fields({}, FIELDS)
    assert error.value.errors == {"custom_fields.serial": "is required"}


def test_empty_value_removes_the_field():
    assert "name" not in clean_custom_fields(
        {"name": ""}, FIELDS, existing={"name": "a", "serial": "1"}
    )


@given(
    column=st.sampled_from(["created", "updated", "priority", "number"]),
    descending=st.booleans(),
    row_id=st.integers(min_value=1, max_value=2**62),
    number=st.integers(min_value=0, max_value=2**31),
    moment=st.datetimes(timezones=st.just(dt.UTC)),
)
def test_cursor_round_trips(column, descending, row_id, number, moment):
    sort = parse_sort(("-" if descending else "") + column)
    value = moment if column in ("created", "updated") else number
    assert decode_cursor(sort, encode_cursor(sort, value, row_id)) == (value, row_id)


def test_cursor_from_another_sort_is_refused():
    cursor = encode_cursor(parse_sort("number"), 5, 1)
    with pytest.raises(BadCursor):
        decode_cursor(parse_sort("updated"), cursor)


@given(st.text())
def test_any_garbage_cursor_is_refused_cleanly(text):
    with contextlib.suppress(BadCursor):
        decode_cursor(parse_sort("number"), text)


def test_unknown_sort_is_refused():
    with pytest.raises(ValueError, match="sort must be one of"):
        parse_sort("title")


def test_upload_type_is_sniffed_from_the_content():
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
    assert check_upload(filename="scan.dat", size=28, head=png, max_bytes=100) == "image/png"


def test_empty_upload_is_refused():
    with pytest.raises(UploadRejected, match="empty"):
        check_upload(filename="a.txt", size=0, head=b"", max_bytes=100)


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\a\\report.pdf", "report.pdf"),
        ("...", "file"),
        ('a<b>"c".txt', "abc.txt"),
    ],
)
def test_file_names_are_made_safe(name, safe):
    assert safe_filename(name) == safe


def test_russian_and_english_words_are_stemmed_to_meet_their_forms():
    assert stemmed_text("принтера") == stemmed_text("принтер")
    assert stemmed_text("Printers") == stemmed_text("printer")
    assert stemmed_text("ёлка") == stemmed_text("елка")


def test_one_status_and_one_team_pin_their_index_for_the_updated_sort() -> None:
    order = parse_sort("-updated")

    pinned = pinned_filters(order, {"status", "team", "phase"})

    assert pinned == ("status", "team")
    assert pinned_order(order, pinned) == ("-status_id", "-team_id", "-updated_at", "-id")


def test_nothing_is_pinned_for_another_sort_or_a_filter_with_no_index_of_its_own() -> None:
    assert pinned_filters(parse_sort("-created"), {"status", "team"}) == ()
    assert pinned_filters(parse_sort("updated"), {"priority", "status"}) == ()
    assert pinned_filters(parse_sort("updated"), {"priority", "team"}) == ("team",)


def test_each_pinned_filter_set_has_its_index_ending_in_updated_at_and_id() -> None:
    indexes = {tuple(index.fields) for index in Ticket._meta.indexes if not index.condition}
    for names in UPDATED_INDEXES:
        columns = tuple(FILTER_COLUMNS[name].removesuffix("_id") for name in names)
        assert (*columns, "updated_at", "id") in indexes, names
