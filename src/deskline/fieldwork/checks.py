"""Pure rules of checklists: which templates a ticket gets, whether a step's value is valid, and
what still blocks resolving. No ORM."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


@dataclass(frozen=True)
class TemplateRule:
    pk: int
    type_ids: frozenset[int]
    category_ids: frozenset[int]
    kind_ids: frozenset[int]


def templates_for(
    rules: Sequence[TemplateRule], *, type_id: int, category_id: int | None, kind_id: int | None
) -> list[int]:
    """The templates a new ticket gets: each named dimension must match; a template naming none
    is only added by hand."""
    out = []
    for rule in rules:
        if not (rule.type_ids or rule.category_ids or rule.kind_ids):
            continue
        if rule.type_ids and type_id not in rule.type_ids:
            continue
        if rule.category_ids and category_id not in rule.category_ids:
            continue
        if rule.kind_ids and kind_id not in rule.kind_ids:
            continue
        out.append(rule.pk)
    return out


def step_value(
    kind: str, raw: str, *, minimum: Decimal | None, maximum: Decimal | None,
    choices: Sequence[str],
) -> str:  # fmt: skip
    """The value to store for a ticked step, or ValueError saying what is wrong."""
    text = raw.strip()
    if kind == "number":
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation as exc:
            raise ValueError("enter a number") from exc
        if not number.is_finite():
            raise ValueError("enter a number")
        if minimum is not None and number < minimum:
            raise ValueError(f"at least {minimum.normalize()}")
        if maximum is not None and number > maximum:
            raise ValueError(f"at most {maximum.normalize()}")
        return format(number.normalize(), "f")
    if kind == "choice":
        if text not in choices:
            raise ValueError("one of: " + ", ".join(choices))
        return text
    return text[:200]


def missing_required(items: Sequence[tuple[str, bool, bool]]) -> list[str]:
    """The texts of required steps not done, from (text, required, done) triples."""
    return [text for text, required, done in items if required and not done]
