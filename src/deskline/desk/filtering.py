"""The ticket list's filter parameters: which ones exist, how they are cleaned and read.

Pure: takes a mapping of query parameters (a QueryDict or a saved filter's JSON) and returns
plain values. The list page and saved filters share it, so a saved filter holds exactly what
the filter form would send, and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy

from deskline.tickets.selectors import TicketFilters

VIEW_LABELS = {
    "mine": gettext_lazy("Mine"),
    "teams": gettext_lazy("My teams"),
    "unassigned": gettext_lazy("Unassigned"),
    "overdue": gettext_lazy("Overdue"),
    "at_risk": gettext_lazy("At risk"),
    "waiting": gettext_lazy("Waiting for client"),
    "open": gettext_lazy("All open"),
    "all": gettext_lazy("All"),
}
SORTS = {
    "-updated": gettext_lazy("Recently updated"),
    "updated": gettext_lazy("Least recently updated"),
    "-created": gettext_lazy("Newest"),
    "created": gettext_lazy("Oldest"),
    "-priority": gettext_lazy("Most urgent"),
    "-number": gettext_lazy("Number, descending"),
}
DEFAULT_VIEW = "open"
DEFAULT_SORT = "-updated"
#: Filters that hold ids; each may be repeated in the query string.
ID_PARAMS = ("status", "priority", "team", "assignee", "company")
MAX_IDS = 50
MAX_TEXT = 200

#: A cleaned parameter set: `view`, `sort` and `q` are strings, the id filters lists of ints.
FilterParams = dict[str, Any]


def _values(params: Mapping[str, Any], key: str) -> list[str]:
    """Every value of `key`, whether the mapping is a QueryDict, holds lists or scalars."""
    getlist = getattr(params, "getlist", None)
    if getlist is not None:
        return [str(v) for v in getlist(key)]
    value = params.get(key)
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _first(params: Mapping[str, Any], key: str) -> str:
    values = _values(params, key)
    return values[-1].strip() if values else ""


def _ids(values: Iterable[str]) -> list[int]:
    seen: list[int] = []
    for value in values:
        value = value.strip()
        if value.isdigit() and int(value) > 0 and int(value) not in seen:
            seen.append(int(value))
    return seen[:MAX_IDS]


def clean_params(params: Mapping[str, Any]) -> FilterParams:
    """The list's filter parameters from `params`; unknown keys and bad values are dropped."""
    view = _first(params, "view")
    sort = _first(params, "sort")
    cleaned: FilterParams = {
        "view": view if view in VIEW_LABELS else DEFAULT_VIEW,
        "sort": sort if sort in SORTS else DEFAULT_SORT,
        "q": _first(params, "q")[:MAX_TEXT],
    }
    for key in ID_PARAMS:
        cleaned[key] = _ids(_values(params, key))
    return cleaned


def to_filters(params: FilterParams) -> TicketFilters:
    """The ticket selector's filters for a cleaned parameter set."""
    return TicketFilters(
        status=list(params["status"]),
        priority=list(params["priority"]),
        team=list(params["team"]),
        assignee=list(params["assignee"]),
        company=list(params["company"]),
        text=params["q"],
    )


def to_query(params: FilterParams) -> list[tuple[str, str]]:
    """The query string pairs that reproduce `params` (empty filters left out)."""
    pairs = [("view", params["view"])]
    if params["q"]:
        pairs.append(("q", params["q"]))
    for key in ID_PARAMS:
        pairs.extend((key, str(value)) for value in params[key])
    pairs.append(("sort", params["sort"]))
    return pairs
