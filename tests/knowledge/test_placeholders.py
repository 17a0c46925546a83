"""The pure `{{ name }}` substitution: only known variables, one pass, nothing executed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from deskline.knowledge.placeholders import render, unknown_variables, variables_in

VALUES = {"ticket.number": "42", "contact_name": "Ann"}


def test_known_variables_are_replaced_with_or_without_spaces() -> None:
    text = "Hi {{contact_name}}, ticket #{{ ticket.number }} / {{  contact_name  }}"
    assert render(text, VALUES) == "Hi Ann, ticket #42 / Ann"


def test_unknown_variables_stay_as_typed() -> None:
    assert render("Dear {{ nobody }}", VALUES) == "Dear {{ nobody }}"


def test_template_tags_and_filters_are_not_executed() -> None:
    text = "{% load static %}{% if x %}y{% endif %} {{ contact_name|upper }} {{ ''.__class__ }}"
    assert render(text, VALUES) == text


def test_a_value_that_looks_like_a_variable_is_not_expanded_again() -> None:
    values = {"contact_name": "{{ ticket.number }}", "ticket.number": "42"}
    assert render("{{ contact_name }}", values) == "{{ ticket.number }}"


def test_variables_in_lists_each_name_once_in_order() -> None:
    text = "{{ b }} {{ a.x }} {{ b }}"
    assert variables_in(text) == ["b", "a.x"]


def test_unknown_variables_names_only_those_not_allowed() -> None:
    assert unknown_variables("{{ contact_name }} {{ secret }}", VALUES) == ["secret"]


@given(st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=200))
def test_text_without_braces_is_returned_unchanged(text: str) -> None:
    assert render(text, VALUES) == text


@given(st.lists(st.sampled_from(["plain ", "{{ contact_name }}", "{{ ticket.number }}"])))
def test_rendering_matches_a_plain_replace_reference(parts: list[str]) -> None:
    text = "".join(parts)
    reference = text.replace("{{ contact_name }}", "Ann").replace("{{ ticket.number }}", "42")
    assert render(text, VALUES) == reference
