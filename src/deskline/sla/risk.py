"""Breach risk: the probability that an open ticket misses its resolution deadline (pure).

The model is empirical. For tickets like this one (same type, priority and category, falling
back to coarser groups when there are fewer than MIN_SAMPLES), take the resolution times of
past tickets in active working minutes (paused time excluded). A ticket that has already run
`e` active minutes and has `r` left before its deadline breaches iff its total time T exceeds
e + r, so P(breach) = P(T > e + r | T > e) = S(e + r) / S(e), with S the (add-one smoothed)
survival function of the group. The queue enters as a load factor: with q open tickets in
front of the same person (or team) against a typical q0, the time left buys less work,
r_eff = r / sqrt((q + 1) / (q0 + 1)) (clipped), the square root damping the effect because the
history already contains ordinary queues.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

MIN_SAMPLES = 30
LOAD_CLIP = (0.5, 3.0)
GroupKey = tuple[int | None, ...]


def survival(sorted_minutes: Sequence[int], x: float) -> float:
    """Smoothed P(T > x): (count of T > x, plus one) over (n plus two)."""
    above = len(sorted_minutes) - bisect_right(sorted_minutes, x)
    return (above + 1) / (len(sorted_minutes) + 2)


def load_factor(queue: int, typical_queue: float) -> float:
    raw = math.sqrt((queue + 1) / (max(typical_queue, 0.0) + 1))
    return min(max(raw, LOAD_CLIP[0]), LOAD_CLIP[1])


def breach_probability(
    sorted_minutes: Sequence[int], elapsed: int, remaining: int, load: float = 1.0
) -> float:
    """P(T > elapsed + remaining/load | T > elapsed); 1.0 once no time is left."""
    if remaining <= 0:
        return 1.0
    if not sorted_minutes:
        return 0.5  # no history at all: say "unknown" rather than "safe"
    base = survival(sorted_minutes, elapsed)
    return min(1.0, survival(sorted_minutes, elapsed + remaining / load) / base)


@dataclass(frozen=True)
class Sample:
    type_id: int | None
    priority_id: int | None
    category_id: int | None
    minutes: int


def _keys(type_id: int | None, priority_id: int | None, category_id: int | None) -> list[GroupKey]:
    """From the most specific group to all tickets."""
    return [(type_id, priority_id, category_id), (type_id, priority_id), (priority_id,), ()]


@dataclass
class RiskModel:
    groups: dict[GroupKey, list[int]] = field(default_factory=dict)
    typical_queue: float = 0.0

    @classmethod
    def fit(cls, samples: Iterable[Sample], typical_queue: float = 0.0) -> RiskModel:
        groups: dict[GroupKey, list[int]] = defaultdict(list)
        for s in samples:
            for key in _keys(s.type_id, s.priority_id, s.category_id):
                groups[key].append(s.minutes)
        for values in groups.values():
            values.sort()
        return cls(dict(groups), typical_queue)

    def history_for(
        self, type_id: int | None, priority_id: int | None, category_id: int | None
    ) -> list[int]:
        for key in _keys(type_id, priority_id, category_id):
            found = self.groups.get(key)
            if found is not None and len(found) >= MIN_SAMPLES:
                return found
        return self.groups.get((), [])

    def probability(
        self,
        *,
        type_id: int | None,
        priority_id: int | None,
        category_id: int | None,
        elapsed: int,
        remaining: int,
        queue: int,
    ) -> float:
        history = self.history_for(type_id, priority_id, category_id)
        return breach_probability(
            history, elapsed, remaining, load_factor(queue, self.typical_queue)
        )
