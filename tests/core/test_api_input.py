"""Input the database cannot store is refused by the API as a 422 naming the field, never a 500.

Found by fuzzing the OpenAPI schema (schemathesis): NUL characters, time zone offsets
PostgreSQL refuses, integers beyond a column's range, and nulls for text the row keeps.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from pydantic import ValidationError

from deskline.core.schema import InSchema, has_nul, in_utc
from deskline.tickets.models import Category, Ticket
from tests.factories import ContactFactory, SiteFactory

pytestmark = pytest.mark.django_db


def fields_of(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return response.json()["error"]["fields"]  # type: ignore[no-any-return]


class Sample(InSchema):
    name: str = ""
    tags: list[str] = []
    when: dt.datetime | None = None


def test_has_nul_looks_inside_lists_and_mapping_keys() -> None:
    assert has_nul(["ok", {"key\x00": 1}])
    assert not has_nul({"key": ["ok", 2, None]})


def test_in_utc_takes_an_offset_postgresql_refuses_to_utc() -> None:
    moment = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=21, minutes=42)))
    assert in_utc(moment) == dt.datetime(2026, 2, 28, 14, 18, tzinfo=dt.UTC)


def test_a_date_that_leaves_the_calendar_in_utc_is_refused() -> None:
    with pytest.raises(ValidationError, match="when"):
        Sample(when="0001-01-01T01:00:00+05:00")


def test_a_nul_inside_a_list_field_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError, match="tags"):
        Sample(tags=["fine", "bro\x00ken"])


def test_a_nul_in_a_body_field_is_a_422_naming_it(admin_api: Any) -> None:
    response = admin_api.post("categories", {"name": "Print\x00ers"})

    assert "NUL" in fields_of(response)["name"]
    assert not Category.objects.filter(name__startswith="Print").exists()


def test_a_nul_in_a_query_parameter_is_a_422_naming_it(admin_api: Any) -> None:
    response = admin_api.get("companies", {"q": "acme\x00"})

    assert "NUL" in fields_of(response)["q"]


def test_a_filter_time_with_a_large_offset_is_read_in_utc(admin_api: Any, make_ticket: Any) -> None:
    ticket = make_ticket()

    response = admin_api.get("tickets", {"created_after": "2000-01-01T00:00:00+21:42"})

    assert response.status_code == 200, response.content
    assert [row["number"] for row in response.json()["items"]] == [ticket.number]


def test_an_order_beyond_the_column_range_is_a_422_naming_order(admin_api: Any) -> None:
    body = {"code": "parts", "name": "Waiting for parts", "phase": "waiting", "order": 70000}

    assert "order" in fields_of(admin_api.post("statuses", body))


def test_a_negative_rule_set_order_is_a_422_naming_order(admin_api: Any) -> None:
    assert "order" in fields_of(admin_api.post("routing/rule-sets", {"name": "A", "order": -5}))


def test_a_negative_trigger_delay_is_a_422_naming_hours(admin_api: Any) -> None:
    body = {"name": "Remind", "when": "time_in_status", "status_code": "new", "hours": -3}

    assert "hours" in fields_of(admin_api.post("routing/triggers", body))


@pytest.mark.parametrize(
    ("factory", "path", "field", "value"),
    [
        (SiteFactory, "sites", "address", "1 Main St"),
        (ContactFactory, "contacts", "email", "a@b.c"),
    ],
)
def test_null_for_text_the_row_keeps_clears_it(
    admin_api: Any, factory: Any, path: str, field: str, value: str
) -> None:
    row = factory(**{field: value})

    response = admin_api.patch(f"{path}/{row.pk}", {field: None})

    assert response.status_code == 200, response.content
    row.refresh_from_db()
    assert getattr(row, field) == ""


@pytest.mark.parametrize("field", ["title", "type_id", "priority_id"])
def test_null_for_what_a_ticket_always_has_is_a_422_naming_it(
    admin_api: Any, make_ticket: Any, field: str
) -> None:
    ticket = make_ticket()

    assert field in fields_of(admin_api.patch(f"tickets/{ticket.number}", {field: None}))


@pytest.mark.parametrize("body", ['"Printer"', "[null, null]", "42"])
def test_a_body_that_is_not_a_json_object_is_a_422(admin_api: Any, body: str) -> None:
    response = admin_api.client.post("/api/v1/tickets", data=body, content_type="application/json")

    assert response.status_code == 422, response.content
    assert not Ticket.objects.exists()


def test_a_write_to_an_address_no_endpoint_has_is_a_json_404_even_with_a_session(
    admin: Any,
) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin)

    response = browser.post("/api/v1/tickets/null,null/comments", {"body": "hi"})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


HUGE = 1245369216164353277952


@pytest.mark.parametrize(
    "query", [f"priority={HUGE}", f"site_ids={HUGE}", f"limit={HUGE}", f"team_id=1,{HUGE}"]
)
def test_an_integer_beyond_64_bits_in_the_query_is_a_422_naming_it(admin_api, query):
    """Issue 13 item 20: such integers were a 500 on SQLite (OverflowError)."""
    response = admin_api.get(f"/api/v1/tickets?{query}")
    assert response.status_code == 422
    assert query.split("=")[0] in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "body", [{"title": "x", "observer_ids": [HUGE]}, {"title": "x", "company_id": HUGE},
             {"title": "x", "custom_fields": {"count": HUGE}}],
)  # fmt: skip
def test_an_integer_beyond_64_bits_in_a_body_is_a_422_naming_the_field(admin_api, body):
    response = admin_api.post("tickets", body)
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) & {"observer_ids", "company_id", "custom_fields"}


def test_an_integer_beyond_64_bits_in_the_path_is_a_422(admin_api):
    for path in (f"tickets/{HUGE}", f"companies/{HUGE}", f"routing/rule-sets/{HUGE}"):
        response = admin_api.get(path)
        assert response.status_code in (404, 422), path
        assert response["Content-Type"].startswith("application/json")


def test_superscript_digits_in_a_query_are_a_422_not_a_500(admin_api):
    """schemathesis found `?phase=³¹` and `?cursor=²` crashing the integer range check."""
    for query in ("type=%C2%B3%C2%B9", "cursor=%C2%B2", "site=%C2%B3"):
        response = admin_api.get(f"/api/v1/tickets?{query}")
        assert response.status_code in (200, 422), query


def test_a_huge_id_in_a_path_evaluated_late_is_a_422(admin_api):
    response = admin_api.get(f"channels/webhooks/{HUGE}/deliveries")
    assert response.status_code == 422
    assert "subscription_id" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("text", "huge"),
    [("9223372036854775807", False), ("9223372036854775808", True), ("-9223372036854775808", False),
     ("-9223372036854775809", True), ("1,99999999999999999999", True), ("³¹", False), ("abc", False)],
)  # fmt: skip
def test_the_one_integer_text_check_knows_the_64_bit_edges(text: str, huge: bool) -> None:
    from deskline.core.schema import huge_integer_text

    assert huge_integer_text(text) is huge
