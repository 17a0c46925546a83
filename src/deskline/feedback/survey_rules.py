"""Which survey rule a resolved ticket falls under, whether the sample takes it, and which
answers a scale offers. Pure: no ORM, so the choice is tested fast and is the same every time
for the same ticket (the sample is a hash, not a coin toss)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

#: The scores each scale's links give (thumbs down = 1, thumbs up = 5).
ANSWERS = {"five": (1, 2, 3, 4, 5), "thumbs": (1, 5)}


@dataclass(frozen=True)
class RuleFacts:
    pk: int
    type_ids: frozenset[int]
    category_ids: frozenset[int]
    sample_percent: int


def in_sample(ticket_id: int, rule_id: int, percent: int) -> bool:
    """A stable draw: the same ticket and rule always give the same answer."""
    if percent >= 100:
        return True
    digest = hashlib.sha256(f"{rule_id}:{ticket_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def pick_rule(
    rules: Sequence[RuleFacts], *, ticket_id: int, type_id: int, category_id: int | None
) -> RuleFacts | None:
    """The first rule (in order) the ticket matches by type and company category; None if no
    rule matches or the matching rule's sample leaves it out."""
    for rule in rules:
        if rule.type_ids and type_id not in rule.type_ids:
            continue
        if rule.category_ids and category_id not in rule.category_ids:
            continue
        return rule if in_sample(ticket_id, rule.pk, rule.sample_percent) else None
    return None


def answers(scale: str) -> tuple[int, ...]:
    return ANSWERS.get(scale, ANSWERS["five"])
