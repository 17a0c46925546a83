"""Rule conditions and rule-set evaluation (pure)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskline.routing.matching import (
    ConditionError,
    RuleSetSpec,
    RuleSpec,
    decide,
    evaluate,
    matches,
    validate_actions,
    validate_conditions,
)

FACTS = {
    "title": "Cash register KKT-30F does not print receipts",
    "description": "Paper jam after the update",
    "text": "Cash register KKT-30F does not print receipts\nPaper jam after the update",
    "company_category": "retail",
    "equipment_kind": "kkt",
    "channel": "email",
    "priority_weight": 20,
    "site": None,
    "working_hours": False,
    "custom.floor": 3,
    "custom.tags": ["a", "b"],
}


def leaf(field, op, value=None):
    return {"field": field, "op": op, "value": value}


@pytest.mark.parametrize(
    ("cond", "expected"),
    [
        (leaf("company_category", "eq", "Retail"), True),
        (leaf("company_category", "eq", "vip"), False),
        (leaf("company_category", "ne", "vip"), True),
        (leaf("channel", "in", ["email", "portal"]), True),
        (leaf("channel", "in", ["phone"]), False),
        (leaf("channel", "not_in", ["phone"]), True),
        (leaf("channel", "not_in", ["email"]), False),
        (leaf("title", "contains", "kkt"), True),
        (leaf("title", "contains", ["scanner", "receipt"]), True),
        (leaf("title", "contains", ["scanner", "mouse"]), False),
        (leaf("custom.tags", "contains", "b"), True),
        (leaf("custom.tags", "contains", "c"), False),
        (leaf("text", "regex", r"paper\s+jam"), True),
        (leaf("text", "regex", r"^paper"), False),
        (leaf("priority_weight", "gt", 10), True),
        (leaf("priority_weight", "lt", 20), False),
        (leaf("custom.floor", "gt", 2), True),
        (leaf("missing", "gt", 2), False),
        (leaf("site", "is_empty", True), True),
        (leaf("title", "is_empty", True), False),
        (leaf("working_hours", "eq", False), True),
        (leaf("custom.tags", "in", ["a"]), False),
        (leaf("custom.tags", "not_in", ["a"]), True),
    ],
)
def test_each_operator(cond, expected):
    assert evaluate(cond, FACTS)[0] is expected


def test_groups_combine_all_any_not():
    cond = {
        "all": [
            leaf("company_category", "eq", "retail"),
            {"any": [leaf("channel", "eq", "phone"), leaf("equipment_kind", "eq", "kkt")]},
            {"not": leaf("working_hours", "eq", True)},
        ]
    }
    ok, reasons = evaluate(cond, FACTS)
    assert ok
    assert "company_category eq 'retail' (is 'retail')" in reasons
    assert "equipment_kind eq 'kkt' (is 'kkt')" in reasons


def test_an_empty_condition_list_always_matches():
    assert matches([], FACTS) == (True, [])


def test_a_failed_match_explains_the_leaf_that_failed():
    ok, reasons = matches([leaf("channel", "eq", "phone")], FACTS)
    assert not ok
    assert reasons == ["channel eq 'phone' (is 'email')"]


@pytest.mark.parametrize(
    ("conditions", "path"),
    [
        ({"field": "title"}, "conditions"),
        ([leaf("nope", "eq", 1)], "conditions[0].field"),
        ([leaf("title", "like", 1)], "conditions[0].op"),
        ([leaf("channel", "in", "email")], "conditions[0].value"),
        ([leaf("priority_weight", "gt", "10")], "conditions[0].value"),
        ([leaf("priority_weight", "gt", True)], "conditions[0].value"),
        ([leaf("site", "is_empty", "yes")], "conditions[0].value"),
        ([leaf("title", "regex", "(")], "conditions[0].value"),
        ([{"all": leaf("title", "eq", 1)}], "conditions[0].all"),
        ([{"all": [], "any": []}], "conditions[0]"),
        (["title"], "conditions[0]"),
    ],
)
def test_invalid_conditions_name_the_path(conditions, path):
    with pytest.raises(ConditionError) as exc:
        validate_conditions(conditions)
    assert path in exc.value.errors


def test_deep_nesting_is_refused():
    cond: dict = leaf("title", "eq", "x")
    for _ in range(10):
        cond = {"not": cond}
    with pytest.raises(ConditionError):
        validate_conditions([cond])


def test_custom_fields_and_valid_conditions_pass_validation():
    validate_conditions([leaf("custom.anything", "eq", 1), {"any": [leaf("title", "regex", "a")]}])


@pytest.mark.parametrize(
    "actions",
    [[], {"team_id": "2"}, {"team_id": True}, {"tags": "vip"}, {"tags": [""]},
     {"observer_ids": ["x"]}, {"explode": 1}],
)  # fmt: skip
def test_invalid_actions_are_refused(actions):
    with pytest.raises(ConditionError):
        validate_actions(actions)


def rule(pk, conditions, **actions):
    return RuleSpec(pk, f"rule {pk}", conditions, actions)


def test_first_match_stops_at_the_first_matching_rule():
    rules = [
        rule(1, [leaf("channel", "eq", "phone")], team_id=1),
        rule(2, [leaf("equipment_kind", "eq", "kkt")], team_id=2, tags=["kkt"]),
        rule(3, [], team_id=3, priority_id=9),
    ]
    decision = decide([RuleSetSpec(1, "main", "first_match", rules)], FACTS)
    assert [m.rule_id for m in decision.matches] == [2]
    assert decision.values == {"team_id": 2}
    assert decision.tags == ["kkt"]
    assert decision.explain() == [
        "rule 'rule 2' in 'main' matched: equipment_kind eq 'kkt' (is 'kkt')"
    ]


def test_all_matching_keeps_the_first_value_and_accumulates_lists():
    rules = [
        rule(1, [], team_id=1, tags=["a"], observer_ids=[5]),
        rule(2, [], team_id=2, priority_id=3, tags=["a", "b"], observer_ids=[5, 6]),
    ]
    decision = decide([RuleSetSpec(1, "all", "all_matching", rules)], FACTS)
    assert decision.values == {"team_id": 1, "priority_id": 3}
    assert decision.tags == ["a", "b"]
    assert decision.observer_ids == [5, 6]
    assert decision.matches[1].overridden == {"team_id": 2}
    data = decision.as_data()
    assert data["set"]["team_id"] == 1 and len(data["matches"]) == 2


def test_rule_sets_are_evaluated_in_order():
    first = RuleSetSpec(1, "one", "first_match", [rule(1, [], priority_id=1)])
    second = RuleSetSpec(2, "two", "first_match", [rule(2, [], priority_id=2, team_id=7)])
    decision = decide([first, second], FACTS)
    assert decision.values == {"priority_id": 1, "team_id": 7}


def test_no_rule_matching_gives_an_empty_decision():
    decision = decide(
        [RuleSetSpec(1, "s", "all_matching", [rule(1, [leaf("channel", "eq", "x")])])], FACTS
    )
    assert not decision.matched and decision.values == {}


words = st.text(alphabet="abcXYZ é", min_size=0, max_size=12)


@given(haystack=words, needle=words)
def test_contains_agrees_with_casefolded_substring(haystack, needle):
    ok, _ = evaluate(leaf("title", "contains", needle), {"title": haystack})
    expected = bool(needle) and needle.casefold() in haystack.casefold()
    assert ok is expected


@given(
    value=st.one_of(st.integers(), st.text(max_size=5), st.none()),
    options=st.lists(st.one_of(st.integers(), st.text(max_size=5)), max_size=5),
)
def test_in_and_not_in_are_complements(value, options):
    facts = {"channel": value}
    assert (
        evaluate(leaf("channel", "in", options), facts)[0]
        is not evaluate(leaf("channel", "not_in", options), facts)[0]
    )


@given(value=st.integers(-100, 100), bound=st.integers(-100, 100))
def test_gt_and_lt_agree_with_python(value, bound):
    facts = {"priority_weight": value}
    assert evaluate(leaf("priority_weight", "gt", bound), facts)[0] is (value > bound)
    assert evaluate(leaf("priority_weight", "lt", bound), facts)[0] is (value < bound)


@given(text=words, pattern=st.sampled_from(["a+", "^x", "é$", "[bc]{2}", "z"]))
def test_regex_agrees_with_re_search(text, pattern):
    ok, _ = evaluate(leaf("text", "regex", pattern), {"text": text})
    assert ok is (re.search(pattern, text, re.IGNORECASE) is not None)


@given(flags=st.lists(st.booleans(), min_size=1, max_size=6))
def test_all_and_any_agree_with_python(flags):
    facts = {f"custom.f{i}": v for i, v in enumerate(flags)}
    leaves = [leaf(f"custom.f{i}", "eq", True) for i in range(len(flags))]
    assert evaluate({"all": leaves}, facts)[0] is all(flags)
    assert evaluate({"any": leaves}, facts)[0] is any(flags)
    assert evaluate({"not": {"any": leaves}}, facts)[0] is not any(flags)


def test_a_catastrophic_pattern_is_matched_in_linear_time():
    """Issue 13 item 17: `(a+)+$` took 1.9 s at 24 characters with a backtracking engine and
    doubled per character; at 60 characters this test would not finish without RE2."""
    validate_conditions([leaf("title", "regex", "(a+)+$")])
    ok, _ = evaluate(leaf("title", "regex", "(a+)+$"), {"title": "a" * 60 + "!"})
    assert ok is False


def test_a_pattern_that_needs_backtracking_is_refused_with_the_reason():
    with pytest.raises(ConditionError) as caught:
        validate_conditions([leaf("title", "regex", r"(?<=ERR)\d+")])
    assert "RE2" in caught.value.errors["conditions[0].value"]
