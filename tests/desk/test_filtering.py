"""The list's filter parameters: cleaning a query string or saved JSON, and writing it back."""

from __future__ import annotations

from django.http import QueryDict

from deskline.desk.filtering import MAX_TEXT, clean_params, to_filters, to_query


def test_clean_keeps_known_filters_from_a_query_string() -> None:
    params = clean_params(QueryDict("view=mine&q=printer&status=3&status=4&company=7&sort=created"))
    assert params == {
        "view": "mine", "sort": "created", "q": "printer", "status": [3, 4], "priority": [],
        "team": [], "assignee": [], "company": [7],
    }  # fmt: skip


def test_clean_drops_unknown_keys_and_bad_values() -> None:
    params = clean_params(
        QueryDict("view=nope&sort=evil&status=x&status=0&team=-1&cursor=abc&company_name=Acme")
    )
    assert params["view"] == "open" and params["sort"] == "-updated"
    assert params["status"] == [] and params["team"] == []
    assert set(params) == {"view", "sort", "q", "status", "priority", "team", "assignee", "company"}


def test_clean_accepts_saved_json_and_removes_duplicate_ids() -> None:
    params = clean_params({"view": "all", "priority": [2, "2", 5], "q": "  jam  "})
    assert params["priority"] == [2, 5] and params["q"] == "jam"


def test_clean_cuts_long_search_text() -> None:
    assert len(clean_params({"q": "x" * 500})["q"]) == MAX_TEXT


def test_to_query_round_trips_through_clean() -> None:
    params = clean_params(QueryDict("view=teams&q=a b&status=1&status=2&assignee=9&sort=-number"))
    encoded = "&".join(f"{k}={v}" for k, v in to_query(params)).replace(" ", "+")
    assert clean_params(QueryDict(encoded)) == params


def test_to_filters_maps_q_to_text_and_ids_to_lists() -> None:
    filters = to_filters(clean_params({"q": "jam", "company": ["4"]}))
    assert filters.text == "jam" and filters.company == [4]
