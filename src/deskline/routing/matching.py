"""Rule conditions and rule-set evaluation: pure functions over plain values, no ORM.

A ticket is described by *facts*: a flat mapping of field names to plain values (see
`deskline.tickets.facts` for how a ticket becomes facts). A condition is JSON:

* a leaf ``{"field": "company_category", "op": "eq", "value": "retail"}``;
* a group ``{"all": [...]}``, ``{"any": [...]}`` or ``{"not": {...}}``;
* a rule's conditions are a list of conditions that must all hold (an empty list always holds).

Facts named `predicted.<field>` (and `predicted.<field>_id`, `predicted.<field>.confidence`)
are triage's predictions for a new ticket; a reason that rests on one says so.

Operators: eq, ne, in, not_in, contains (substring, case-insensitive; a list value means "any
of these keywords"; on a list fact, membership), regex (case-insensitive search), gt, lt,
is_empty (value true or false). Every evaluation returns a readable explanation, so a routing
decision can say why a rule matched.

Rule sets are evaluated in order; a rule set either stops at its first matching rule
(first_match) or applies every matching rule (all_matching). When several matching rules set the
same field, the first one (in rule-set order, then rule order) wins; tags and observers
accumulate. That keeps first_match a special case of all_matching.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import re2

OPERATORS = frozenset({"eq", "ne", "in", "not_in", "contains", "regex", "gt", "lt", "is_empty"})
#: Facts a condition may name; custom fields are "custom.<code>".
FIELDS = frozenset(
    {
        "title", "description", "text", "type", "category", "category_name", "priority",
        "priority_weight", "channel", "status", "phase", "company", "company_name",
        "company_category", "site", "site_name", "site_time_zone", "equipment", "equipment_kind",
        "contract", "not_covered", "team", "team_line", "assignee", "working_hours", "contact",
    }
)  # fmt: skip
#: Facts other apps add: custom fields, and triage's predictions and tone of a new ticket.
FACT_PREFIXES = ("custom.", "predicted.", "tone")
#: Scalar actions (first matching rule wins) and list actions (accumulate).
SCALAR_ACTIONS = frozenset(
    {"team_id", "assignee_id", "priority_id", "type_id", "category_id", "sla_policy_id"}
)
LIST_ACTIONS = frozenset({"tags", "observer_ids"})
MODES = frozenset({"first_match", "all_matching"})
MAX_DEPTH = 8
#: The most text a pattern is matched against (a ticket can be long).
MAX_MATCHED_TEXT = 100_000
MAX_REGEX = 500


class ConditionError(ValueError):
    """A condition or action that cannot be evaluated; `errors` maps a JSON path to a reason."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _re2_options() -> Any:
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # a bad pattern is reported to the admin, not to stderr
    options.max_mem = 8 << 20  # bounds what one pattern may compile to
    return options


_RE2_OPTIONS = _re2_options()


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> Any:
    """An admin's pattern, compiled by RE2: matching time grows linearly with the text, so no
    pattern (`(a+)+$` included) can stall ticket creation; features that need backtracking
    (look-around, back-references) are refused when the rule is saved."""
    return re2.compile(pattern, options=_RE2_OPTIONS)


def _check_leaf(cond: Mapping[str, Any], path: str, errors: dict[str, str]) -> None:
    name, op = cond.get("field"), cond.get("op")
    if not isinstance(name, str) or not (name in FIELDS or name.startswith(FACT_PREFIXES)):
        errors[f"{path}.field"] = f"unknown field {name!r}"
    if op not in OPERATORS:
        errors[f"{path}.op"] = f"unknown operator {op!r}; one of {sorted(OPERATORS)}"
        return
    value = cond.get("value")
    if op in ("in", "not_in") and not isinstance(value, list):
        errors[f"{path}.value"] = f"{op} needs a list"
    elif op in ("gt", "lt") and (isinstance(value, bool) or not isinstance(value, int | float)):
        errors[f"{path}.value"] = f"{op} needs a number"
    elif op == "is_empty" and not isinstance(value, bool):
        errors[f"{path}.value"] = "is_empty needs true or false"
    elif op == "contains" and not isinstance(value, str | int | list):
        errors[f"{path}.value"] = "contains needs a string or a list of strings"
    elif op == "regex":
        if not isinstance(value, str) or len(value) > MAX_REGEX:
            errors[f"{path}.value"] = f"regex needs a pattern of at most {MAX_REGEX} characters"
            return
        try:
            _compiled(value)
        except re2.error as exc:
            reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
            errors[f"{path}.value"] = f"invalid regular expression (RE2 syntax): {reason}"


def _check(cond: Any, path: str, depth: int, errors: dict[str, str]) -> None:
    if depth > MAX_DEPTH:
        errors[path] = f"nested deeper than {MAX_DEPTH}"
        return
    if not isinstance(cond, Mapping):
        errors[path] = "must be an object"
        return
    groups = [k for k in ("all", "any", "not") if k in cond]
    if len(groups) > 1 or (groups and "field" in cond):
        errors[path] = "use exactly one of field, all, any, not"
    elif groups == ["not"]:
        _check(cond["not"], f"{path}.not", depth + 1, errors)
    elif groups:
        items = cond[groups[0]]
        if not isinstance(items, list):
            errors[f"{path}.{groups[0]}"] = "must be a list"
            return
        for i, item in enumerate(items):
            _check(item, f"{path}.{groups[0]}[{i}]", depth + 1, errors)
    else:
        _check_leaf(cond, path, errors)


def validate_conditions(conditions: Any) -> None:
    """Raise ConditionError unless `conditions` is a list of valid conditions."""
    if not isinstance(conditions, list):
        raise ConditionError({"conditions": "must be a list of conditions"})
    errors: dict[str, str] = {}
    for i, cond in enumerate(conditions):
        _check(cond, f"conditions[{i}]", 1, errors)
    if errors:
        raise ConditionError(errors)


def validate_actions(actions: Any) -> None:
    """Raise ConditionError unless `actions` is an object of known actions with typed values."""
    if not isinstance(actions, Mapping):
        raise ConditionError({"actions": "must be an object"})
    errors: dict[str, str] = {}
    for key, value in actions.items():
        if key in SCALAR_ACTIONS:
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                errors[f"actions.{key}"] = "must be an integer id"
        elif key == "tags":
            if not isinstance(value, list) or not all(
                isinstance(t, str) and 0 < len(t.strip()) <= 50 for t in value
            ):
                errors["actions.tags"] = "must be a list of tags (1-50 characters)"
        elif key == "observer_ids":
            if not isinstance(value, list) or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in value
            ):
                errors["actions.observer_ids"] = "must be a list of user ids"
        else:
            known = sorted(SCALAR_ACTIONS | LIST_ACTIONS)
            errors[f"actions.{key}"] = f"unknown action; one of {known}"
    if errors:
        raise ConditionError(errors)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _norm(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _hashable(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float)


def _leaf(cond: Mapping[str, Any], facts: Mapping[str, Any]) -> tuple[bool, str]:
    name, op = cond["field"], cond["op"]
    want: Any = cond.get("value")
    have: Any = facts.get(name)
    if op == "eq":
        ok = _norm(have) == _norm(want)
    elif op == "ne":
        ok = _norm(have) != _norm(want)
    elif op == "in":
        ok = _hashable(have) and _norm(have) in {
            _norm(v) for v in want if isinstance(v, str | int | float)
        }
    elif op == "not_in":
        ok = not _hashable(have) or _norm(have) not in {
            _norm(v) for v in want if isinstance(v, str | int | float)
        }
    elif op == "contains":
        needles = want if isinstance(want, list) else [want]
        if isinstance(have, list | tuple | set | frozenset):
            ok = any(_norm(n) in {_norm(h) for h in have} for n in needles)
        else:
            hay = _text(have).casefold()
            ok = any(_text(n).casefold() in hay for n in needles if _text(n))
    elif op == "regex":
        ok = _compiled(want).search(_text(have)[:MAX_MATCHED_TEXT]) is not None
    elif op in ("gt", "lt"):
        number = have if isinstance(have, int | float) and not isinstance(have, bool) else None
        ok = number is not None and (number > want if op == "gt" else number < want)
    else:  # is_empty
        empty = have is None or have == "" or have == [] or have == {}
        ok = empty is want
    shown = have if not isinstance(have, str) or len(have) <= 60 else have[:57] + "..."
    source = ", a triage prediction" if name.startswith("predicted.") else ""
    return ok, f"{name} {op} {want!r} (is {shown!r}{source})"


def evaluate(cond: Mapping[str, Any], facts: Mapping[str, Any]) -> tuple[bool, list[str]]:
    """Whether the condition holds, and the reasons (the leaves that decided it)."""
    if "all" in cond:
        reasons: list[str] = []
        for item in cond["all"]:
            ok, why = evaluate(item, facts)
            if not ok:
                return False, why
            reasons += why
        return True, reasons
    if "any" in cond:
        failed: list[str] = []
        for item in cond["any"]:
            ok, why = evaluate(item, facts)
            if ok:
                return True, why
            failed += why
        return False, failed
    if "not" in cond:
        ok, why = evaluate(cond["not"], facts)
        return not ok, [f"not ({'; '.join(why)})"]
    ok, reason = _leaf(cond, facts)
    return ok, [reason]


def matches(
    conditions: Sequence[Mapping[str, Any]], facts: Mapping[str, Any]
) -> tuple[bool, list[str]]:
    return evaluate({"all": list(conditions)}, facts)


@dataclass(frozen=True)
class RuleSpec:
    id: int
    name: str
    conditions: Sequence[Mapping[str, Any]]
    actions: Mapping[str, Any]


@dataclass(frozen=True)
class RuleSetSpec:
    id: int
    name: str
    mode: str
    rules: Sequence[RuleSpec]


@dataclass(frozen=True)
class RuleMatch:
    rule_set_id: int
    rule_set: str
    rule_id: int
    rule: str
    reasons: tuple[str, ...]
    applied: Mapping[str, Any]
    overridden: Mapping[str, Any]


@dataclass
class Decision:
    """What the matching rules set, and why."""

    matches: list[RuleMatch] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    observer_ids: list[int] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        return bool(self.matches)

    def explain(self) -> list[str]:
        return [
            f"rule {m.rule!r} in {m.rule_set!r} matched: {'; '.join(m.reasons) or 'always'}"
            for m in self.matches
        ]

    def as_data(self) -> dict[str, Any]:
        return {
            "matches": [
                {"rule_set_id": m.rule_set_id, "rule_set": m.rule_set, "rule_id": m.rule_id,
                 "rule": m.rule, "reasons": list(m.reasons), "applied": dict(m.applied),
                 "overridden": dict(m.overridden)}
                for m in self.matches
            ],
            "set": {**self.values, "tags": self.tags, "observer_ids": self.observer_ids},
            "explanation": self.explain(),
        }  # fmt: skip


def _apply(decision: Decision, actions: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    applied: dict[str, Any] = {}
    overridden: dict[str, Any] = {}
    for key, value in actions.items():
        if key in SCALAR_ACTIONS:
            if key in decision.values:
                overridden[key] = value
            else:
                decision.values[key] = applied[key] = value
        elif key == "tags":
            new = [t.strip() for t in value if t.strip() not in decision.tags]
            decision.tags += list(dict.fromkeys(new))
            applied[key] = new
        elif key == "observer_ids":
            new_ids = [v for v in value if v not in decision.observer_ids]
            decision.observer_ids += list(dict.fromkeys(new_ids))
            applied[key] = new_ids
    return applied, overridden


def decide(rule_sets: Sequence[RuleSetSpec], facts: Mapping[str, Any]) -> Decision:
    """Evaluate the rule sets in order against the ticket's facts."""
    decision = Decision()
    for rule_set in rule_sets:
        for rule in rule_set.rules:
            ok, reasons = matches(rule.conditions, facts)
            if not ok:
                continue
            applied, overridden = _apply(decision, rule.actions)
            decision.matches.append(
                RuleMatch(rule_set.id, rule_set.name, rule.id, rule.name, tuple(reasons),
                          applied, overridden)
            )  # fmt: skip
            if rule_set.mode == "first_match":
                break
    return decision
