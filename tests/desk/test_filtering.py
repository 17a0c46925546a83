"""The list's filter parameters: cleaning a query string or saved JSON, and writing it back."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.http import QueryDict

from deskline.desk.filtering import (
    DATE_PARAMS,
    ID_PARAMS,
    MAX_TEXT,
    clean_params,
    more_filters_set,
    to_filters,
    to_query,
)

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
ALL_KEYS = {"view", "sort", "q", "phase", "sla_state", "unassigned", *ID_PARAMS, *DATE_PARAMS}


def test_clean_keeps_known_filters_from_a_query_string() -> None:
    params = clean_params(QueryDict("view=mine&q=printer&status=3&status=4&company=7&sort=created"))
    assert params == {
        "view": "mine", "sort": "created", "q": "printer", "status": [3, 4], "priority": [],
        "team": [], "assignee": [], "company": [7], "type": [], "category": [], "contact": [],
        "site": [], "equipment": [], "phase": [], "sla_state": "", "unassigned": False,
        "created_from": "", "created_to": "", "updated_from": "", "updated_to": "",
    }  # fmt: skip


def test_clean_drops_unknown_keys_and_bad_values() -> None:
    params = clean_params(
        QueryDict("view=nope&sort=evil&status=x&status=0&team=-1&cursor=abc&company_name=Acme")
    )
    assert params["view"] == "open" and params["sort"] == "-updated"
    assert params["status"] == [] and params["team"] == []
    assert set(params) == ALL_KEYS


def test_clean_accepts_saved_json_and_removes_duplicate_ids() -> None:
    params = clean_params({"view": "all", "priority": [2, "2", 5], "q": "  jam  "})
    assert params["priority"] == [2, 5] and params["q"] == "jam"


def test_clean_cuts_long_search_text() -> None:
    assert len(clean_params({"q": "x" * 500})["q"]) == MAX_TEXT


def test_clean_keeps_type_category_contact_site_and_equipment_ids_as_positive_ints() -> None:
    params = clean_params(
        QueryDict("type=2&type=x&category=5&category=-5&contact=7&site=0&site=8&equipment=9.5")
    )
    assert (params["type"], params["category"], params["contact"]) == ([2], [5], [7])
    assert (params["site"], params["equipment"]) == ([8], [])


def test_clean_keeps_only_known_phases_in_their_fixed_order() -> None:
    params = clean_params(QueryDict("phase=waiting&phase=bogus&phase=new&phase=new"))
    assert params["phase"] == ["new", "waiting"]


def test_clean_keeps_iso_dates_and_drops_anything_else() -> None:
    params = clean_params(
        QueryDict(
            "created_from=2026-03-01&created_to=2026-02-30&updated_from=01.03.2026"
            "&updated_to=20260301"
        )
    )
    assert params["created_from"] == "2026-03-01"
    assert params["created_to"] == params["updated_from"] == params["updated_to"] == ""


def test_clean_reads_the_unassigned_checkbox_as_a_boolean() -> None:
    assert clean_params(QueryDict("unassigned=1"))["unassigned"] is True
    assert clean_params({"unassigned": True})["unassigned"] is True
    assert clean_params(QueryDict("unassigned=no"))["unassigned"] is False
    assert clean_params({})["unassigned"] is False


def test_clean_keeps_only_known_sla_states() -> None:
    assert clean_params(QueryDict("sla_state=overdue"))["sla_state"] == "overdue"
    assert clean_params(QueryDict("sla_state=late"))["sla_state"] == ""


def test_clean_accepts_the_priority_and_number_sorts_in_both_directions() -> None:
    for sort in ("priority", "-priority", "number", "-number"):
        assert clean_params({"sort": sort})["sort"] == sort


def test_every_offered_sort_is_one_the_ticket_selector_accepts() -> None:
    from deskline.desk.filtering import SORTS
    from deskline.tickets.listing import SORT_COLUMNS, parse_sort

    for sort in SORTS:
        parse_sort(sort)
    assert set(SORTS) == set(SORT_COLUMNS) | {f"-{name}" for name in SORT_COLUMNS}


def test_to_query_round_trips_through_clean() -> None:
    params = clean_params(QueryDict("view=teams&q=a b&status=1&status=2&assignee=9&sort=-number"))
    encoded = "&".join(f"{k}={v}" for k, v in to_query(params)).replace(" ", "+")
    assert clean_params(QueryDict(encoded)) == params


def test_to_query_round_trips_the_new_filters_through_clean() -> None:
    params = clean_params(
        QueryDict(
            "phase=open&type=2&category=5&contact=7&site=8&equipment=9&unassigned=on"
            "&created_from=2026-03-01&created_to=2026-03-31&updated_from=2026-04-01"
            "&updated_to=2026-04-02&sla_state=at_risk&sort=priority"
        )
    )
    encoded = "&".join(f"{k}={v}" for k, v in to_query(params))
    assert clean_params(QueryDict(encoded)) == params


def test_to_filters_maps_q_to_text_and_ids_to_lists() -> None:
    filters = to_filters(clean_params({"q": "jam", "company": ["4"]}), zone=MOSCOW)
    assert filters.text == "jam" and filters.company == [4]


def test_to_filters_reads_a_date_range_as_whole_days_in_the_viewers_zone() -> None:
    params = clean_params({"created_from": "2026-03-01", "created_to": "2026-03-31"})
    filters = to_filters(params, zone=MOSCOW)
    assert filters.created_after == dt.datetime(2026, 2, 28, 21, tzinfo=dt.UTC)
    assert filters.created_before == dt.datetime(2026, 3, 31, 21, tzinfo=dt.UTC)
    assert filters.updated_after is None and filters.updated_before is None


def test_to_filters_reads_the_updated_range_too() -> None:
    filters = to_filters(clean_params({"updated_from": "2026-03-01"}), zone=dt.UTC)
    assert filters.updated_after == dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    assert filters.updated_before is None


def test_to_filters_asks_for_unassigned_only_when_checked() -> None:
    assert to_filters(clean_params({"unassigned": "1"}), zone=dt.UTC).unassigned is True
    # Unchecked means "either", not "assigned only".
    assert to_filters(clean_params({}), zone=dt.UTC).unassigned is None


def test_to_filters_passes_phases_types_categories_and_registry_ids() -> None:
    filters = to_filters(
        clean_params({"phase": ["open"], "type": [2], "category": [5], "site": [8]}), zone=dt.UTC
    )
    assert (filters.phase, filters.type, filters.category, filters.site) == (
        ["open"],
        [2],
        [5],
        [8],
    )


def test_more_filters_open_only_when_one_of_them_is_set() -> None:
    assert not more_filters_set(clean_params(QueryDict("status=1&company=2&q=x")))
    assert more_filters_set(clean_params(QueryDict("created_to=2026-01-01")))
    assert more_filters_set(clean_params(QueryDict("unassigned=1")))
