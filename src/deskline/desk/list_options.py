"""The `<option>` lists of the desk list's filter and bulk forms, written in Python.

The two forms offer every active status, priority, team, agent, type and category, the sorts,
phases and SLA states: some 200 options a page. Looped in the template (a variable, a filter
and an `{% if %}` each) they cost a few milliseconds per page. Their labels change only with
the reference data and the language, so each option's markup is built once per reference
token (`core.refcache`) and language, escaped as the template engine escaped it; a page then
only joins them, marking the selected values. `tests/desk/test_list_options.py` holds the
output byte for byte equal to the loops it replaced, in English and Russian.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from deskline.core import refcache
from deskline.desk.choices import category_options, load_choices
from deskline.desk.filtering import SLA_STATES, SORTS
from deskline.desk.templatetags.desk_tags import local_name, user_label
from deskline.tickets.config_cache import rows_by_id
from deskline.tickets.models import Category, Phase

#: One option: its value as the page writes it, the markup unselected and selected.
Option = tuple[str, str, str]
#: The forms' option lists by name, each with its whole markup when nothing is selected.
Options = dict[str, tuple[tuple[Option, ...], str]]


def _options(pairs: Iterable[tuple[Any, Any]]) -> tuple[tuple[Option, ...], str]:
    built = tuple(
        (
            str(value),
            f'<option value="{escape(str(value))}" >{escape(str(label))}</option>',
            f'<option value="{escape(str(value))}" selected>{escape(str(label))}</option>',
        )
        for value, label in pairs
    )
    return built, "".join(option[1] for option in built)


def _plain(pairs: Iterable[tuple[Any, Any]]) -> str:
    """A bulk form's options: never selected, no space before the `>`."""
    return "".join(
        f'<option value="{escape(str(value))}">{escape(str(label))}</option>'
        for value, label in pairs
    )


def _load() -> tuple[Options, dict[str, str]]:
    choices = load_choices(with_categories=False)
    statuses = [(s.pk, local_name(s)) for s in choices.statuses]
    priorities = [(p.pk, local_name(p)) for p in choices.priorities]
    teams = [(t.pk, local_name(t)) for t in choices.teams]
    agents = [(u.pk, user_label(u)) for u in choices.agents]
    options: Options = {
        "status": _options(statuses),
        "priority": _options(priorities),
        "team": _options(teams),
        "assignee": _options(agents),
        "sort": _options(SORTS.items()),
        "phase": _options(Phase.choices),
        "type": _options((t.pk, local_name(t)) for t in choices.types),
        "category": _options((c.pk, c.label) for c in category_options(rows_by_id(Category))),
        "sla_state": _options(SLA_STATES.items()),
    }
    bulk = {
        "team": _plain(teams),
        "assignee": _plain(agents),
        "status": _plain(statuses),
        "priority": _plain(priorities),
    }
    return options, bulk


def _cached() -> tuple[Options, dict[str, str]]:
    return refcache.cached(("desk.list_options", get_language()), _load)


def _marked(name: str, options: Options, selected: Collection[Any]) -> SafeString:
    built, unselected = options[name]
    if not selected:
        return mark_safe(unselected)  # noqa: S308 - escaped in `_options`
    wanted = {str(value) for value in selected}
    html = "".join(sel if value in wanted else plain for value, plain, sel in built)
    return mark_safe(html)  # noqa: S308 - escaped in `_options`


def list_form_options(params: dict[str, Any]) -> dict[str, SafeString]:
    """The markup of each select of the filter form (`params`' values selected, as cleaned by
    `filtering.clean_params`) and, as `bulk_<name>`, of the bulk form's selects."""
    options, bulk = _cached()
    one = {"sort": params["sort"], "sla_state": params["sla_state"]}
    shown = {name: _marked(name, options, params[name]) for name in options if name not in one}
    shown |= {name: _marked(name, options, [value] if value else []) for name, value in one.items()}
    shown |= {f"bulk_{name}": mark_safe(html) for name, html in bulk.items()}  # noqa: S308
    return shown
