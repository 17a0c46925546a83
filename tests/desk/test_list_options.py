"""The desk list's option lists, built once per reference token and language
(desk/list_options.py), print byte for byte what the template loops they replaced printed."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import engines
from django.utils import translation

from deskline.accounts.models import Team, User
from deskline.desk.choices import category_options, load_choices
from deskline.desk.filtering import SLA_STATES, SORTS, clean_params, to_filters
from deskline.desk.list_options import list_form_options
from deskline.tickets.config_cache import rows_by_id
from deskline.tickets.models import Category, Phase, Status, TicketType

pytestmark = pytest.mark.django_db

#: The loops of `desk/ticket_list.html` that `list_form_options` replaced, one per line.
_REFERENCE = {
    "status": '{% for s in choices.statuses %}<option value="{{ s.pk }}" {% if s.pk in filters.status %}selected{% endif %}>{{ s|local_name }}</option>{% endfor %}',
    "priority": '{% for p in choices.priorities %}<option value="{{ p.pk }}" {% if p.pk in filters.priority %}selected{% endif %}>{{ p|local_name }}</option>{% endfor %}',
    "team": '{% for t in choices.teams %}<option value="{{ t.pk }}" {% if t.pk in filters.team %}selected{% endif %}>{{ t|local_name }}</option>{% endfor %}',
    "assignee": '{% for u in choices.agents %}<option value="{{ u.pk }}" {% if u.pk in filters.assignee %}selected{% endif %}>{{ u|user_label }}</option>{% endfor %}',
    "sort": '{% for key, label in sorts.items %}<option value="{{ key }}" {% if key == sort %}selected{% endif %}>{{ label }}</option>{% endfor %}',
    "phase": '{% for value, label in phases %}<option value="{{ value }}" {% if value in params.phase %}selected{% endif %}>{{ label }}</option>{% endfor %}',
    "type": '{% for t in choices.types %}<option value="{{ t.pk }}" {% if t.pk in params.type %}selected{% endif %}>{{ t|local_name }}</option>{% endfor %}',
    "category": '{% for c in categories %}<option value="{{ c.pk }}" {% if c.pk in params.category %}selected{% endif %}>{{ c.label }}</option>{% endfor %}',
    "sla_state": '{% for key, label in sla_states.items %}<option value="{{ key }}" {% if key == params.sla_state %}selected{% endif %}>{{ label }}</option>{% endfor %}',
    "bulk_team": '{% for t in choices.teams %}<option value="{{ t.pk }}">{{ t|local_name }}</option>{% endfor %}',
    "bulk_assignee": '{% for u in choices.agents %}<option value="{{ u.pk }}">{{ u|user_label }}</option>{% endfor %}',
    "bulk_status": '{% for s in choices.statuses %}<option value="{{ s.pk }}">{{ s|local_name }}</option>{% endfor %}',
    "bulk_priority": '{% for p in choices.priorities %}<option value="{{ p.pk }}">{{ p|local_name }}</option>{% endfor %}',
}  # fmt: skip


def _reference(params: dict[str, Any]) -> dict[str, str]:
    context = {
        "choices": load_choices(with_categories=False),
        "filters": to_filters(params),
        "params": params,
        "sort": params["sort"],
        "sorts": SORTS,
        "phases": Phase.choices,
        "categories": category_options(rows_by_id(Category)),
        "sla_states": SLA_STATES,
    }
    engine = engines["django"]
    return {
        name: engine.from_string("{% load desk_tags l10n %}{% localize off %}" + loop
                                 + "{% endlocalize %}").render(context)
        for name, loop in _REFERENCE.items()
    }  # fmt: skip


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("selected", [False, True])
def test_the_option_lists_are_byte_for_byte_what_the_loops_printed(
    language: str, selected: bool, team: Team, agent: User
) -> None:
    User.objects.filter(pk=agent.pk).update(first_name='Ann <"A">', last_name="O'Hara & Co")
    Team.objects.filter(pk=team.pk).update(name="R&D <lab>", name_ru="Отдел <Р&Д>")
    parent = Category.objects.create(name="Hardware & <co>")
    child = Category.objects.create(name="Printers", parent=parent)
    status = Status.objects.order_by("pk").first()
    ticket_type = TicketType.objects.order_by("pk").first()
    assert status is not None and ticket_type is not None
    query = {"view": "all"}
    if selected:
        query |= {"status": str(status.pk), "team": str(team.pk), "assignee": str(agent.pk),
                  "phase": ["open", "waiting"], "type": str(ticket_type.pk),
                  "category": [str(child.pk), str(parent.pk)], "sort": "-priority",
                  "sla_state": "at_risk"}  # fmt: skip
    params = clean_params(query)
    with translation.override(language):
        expected = _reference(params)
        shown = {name: str(html) for name, html in list_form_options(params).items()}
    assert shown == expected
    assert ("selected" in shown["category"]) is selected
    assert "&lt;lab&gt;" in shown["team"] or "&lt;Р&amp;Д&gt;" in shown["team"]


def test_the_options_follow_a_change_of_the_reference_data(team: Team) -> None:
    params = clean_params({})
    assert ">First line<" in list_form_options(params)["team"]
    team.name = "Renamed line"
    team.save()  # a save (the admin's) announces the change to every process's cache
    assert ">Renamed line<" in list_form_options(params)["team"]
