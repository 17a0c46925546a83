"""The ticket list's filter parameters: which ones exist, how they are cleaned and read.

Pure: takes a mapping of query parameters (a QueryDict or a saved filter's JSON) and returns
plain values. The list page and saved filters share it, so a saved filter holds exactly what
the filter form would send, and nothing else. Cleaned values stay JSON-friendly (dates as ISO
strings); `to_filters` turns them into the ticket selector's filters, reading dates as whole
days in the viewer's time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from deskline.tickets.models import Phase
from deskline.tickets.selectors import TicketFilters

VIEW_LABELS = {
    "mine": gettext_lazy("Mine"),
    "teams": gettext_lazy("My teams"),
    "unassigned": gettext_lazy("Unassigned"),
    "overdue": gettext_lazy("Overdue"),
    "at_risk": gettext_lazy("At risk"),
    "angry": gettext_lazy("Angry clients"),
    "waiting": gettext_lazy("Waiting for client"),
    "open": gettext_lazy("All open"),
    "all": gettext_lazy("All"),
}
#: Every sort `deskline.tickets.listing.parse_sort` accepts, in both directions.
SORTS = {
    "-updated": gettext_lazy("Recently updated"),
    "updated": gettext_lazy("Least recently updated"),
    "-created": gettext_lazy("Newest"),
    "created": gettext_lazy("Oldest"),
    "-priority": gettext_lazy("Most urgent"),
    "priority": gettext_lazy("Least urgent"),
    "-number": gettext_lazy("Number, descending"),
    "number": gettext_lazy("Number, ascending"),
}
SLA_STATES = {
    "overdue": gettext_lazy("Overdue"),
    "at_risk": gettext_lazy("At risk"),
}
DEFAULT_VIEW = "open"
DEFAULT_SORT = "-updated"
#: Filters that hold ids; each may be repeated in the query string.
ID_PARAMS = (
    "status", "priority", "team", "assignee", "company",
    "type", "category", "contact", "site", "equipment",
)  # fmt: skip
#: The registry filters chosen in a search box (one id each on the page, a list when saved).
REGISTRY_PARAMS = ("company", "contact", "site", "equipment")
#: Date filters (inclusive whole days) and the ticket selector's bounds they set.
DATE_PARAMS = ("created_from", "created_to", "updated_from", "updated_to")
PHASES = tuple(str(value) for value in Phase.values)
TRUE_WORDS = frozenset({"1", "true", "on", "yes"})
MAX_IDS = 50
MAX_TEXT = 200

#: A cleaned parameter set: `view`, `sort`, `q`, `sla_state` and the dates are strings ("" when
#: unset), `unassigned` a bool, `phase` a list of phase codes, the id filters lists of ints.
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


def _phases(values: Iterable[str]) -> list[str]:
    wanted = {value.strip() for value in values}
    return [phase for phase in PHASES if phase in wanted]


def _iso_date(text: str) -> str:
    """`text` if it is an ISO date (YYYY-MM-DD), else ""."""
    try:
        return dt.date.fromisoformat(text).isoformat() if len(text) == 10 else ""
    except ValueError:
        return ""


def _flag(text: str) -> bool:
    return text.lower() in TRUE_WORDS


def clean_params(params: Mapping[str, Any]) -> FilterParams:
    """The list's filter parameters from `params`; unknown keys and bad values are dropped."""
    view = _first(params, "view")
    sort = _first(params, "sort")
    sla_state = _first(params, "sla_state")
    cleaned: FilterParams = {
        "view": view if view in VIEW_LABELS else DEFAULT_VIEW,
        "sort": sort if sort in SORTS else DEFAULT_SORT,
        "q": _first(params, "q")[:MAX_TEXT],
        "phase": _phases(_values(params, "phase")),
        "sla_state": sla_state if sla_state in SLA_STATES else "",
        "unassigned": _flag(_first(params, "unassigned")),
    }
    for key in ID_PARAMS:
        cleaned[key] = _ids(_values(params, key))
    for key in DATE_PARAMS:
        cleaned[key] = _iso_date(_first(params, key))
    return cleaned


def _day_start(text: str, zone: dt.tzinfo, *, days_after: int = 0) -> dt.datetime | None:
    """The start of the day `text` (plus `days_after`) in `zone`; None when no date is set."""
    if not text:
        return None
    day = dt.date.fromisoformat(text) + dt.timedelta(days=days_after)
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def to_filters(params: FilterParams, *, zone: dt.tzinfo | None = None) -> TicketFilters:
    """The ticket selector's filters for a cleaned parameter set.

    A date range covers whole days in `zone` (the active time zone by default): from the
    start of the first day up to, not including, the start of the day after the last.
    """
    zone = zone or timezone.get_current_timezone()
    ids = {key: list(params[key]) for key in ID_PARAMS}
    return TicketFilters(
        **ids,
        phase=list(params["phase"]),
        unassigned=True if params["unassigned"] else None,
        sla_state=params["sla_state"],
        created_after=_day_start(params["created_from"], zone),
        created_before=_day_start(params["created_to"], zone, days_after=1),
        updated_after=_day_start(params["updated_from"], zone),
        updated_before=_day_start(params["updated_to"], zone, days_after=1),
        text=params["q"],
    )


def to_query(params: FilterParams) -> list[tuple[str, str]]:
    """The query string pairs that reproduce `params` (empty filters left out)."""
    pairs = [("view", params["view"])]
    if params["q"]:
        pairs.append(("q", params["q"]))
    pairs.extend(("phase", phase) for phase in params["phase"])
    for key in ID_PARAMS:
        pairs.extend((key, str(value)) for value in params[key])
    pairs.extend((key, params[key]) for key in DATE_PARAMS if params[key])
    if params["sla_state"]:
        pairs.append(("sla_state", params["sla_state"]))
    if params["unassigned"]:
        pairs.append(("unassigned", "1"))
    pairs.append(("sort", params["sort"]))
    return pairs


def more_filters_set(params: FilterParams) -> bool:
    """Whether any filter of the form's folded "more filters" part is set (to open it)."""
    folded = ("phase", "type", "category", "contact", "site", "equipment", *DATE_PARAMS)
    return bool(params["unassigned"] or params["sla_state"] or any(params[k] for k in folded))
