"""Validation of the breach-risk model on demo-like synthetic history (pure).

The generator mirrors the demo data (deskline.demo.lifecycle): priorities with their weights,
log-normal resolution times around per-priority medians, and queues that slow people down.
Durations are in active working minutes. The model is fitted on a training history, then asked
about fresh tickets observed at a random moment of their life (while still open); the table
compares the predicted probabilities with the share of those tickets that actually breached.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from deskline.sla.risk import RiskModel, Sample

PRIORITIES = {1: "low", 2: "normal", 3: "high", 4: "critical"}
PRIORITY_WEIGHTS = (20, 55, 20, 5)
#: Medians of active working minutes to resolve, and the resolution targets (the defaults).
MEDIAN = {1: 1800, 2: 900, 3: 420, 4: 150}
TARGET = {1: 4320, 2: 2160, 3: 960, 4: 240}
TYPE_FACTOR = {1: 1.0, 2: 0.7, 3: 0.4}
SIGMA = 0.9
MEAN_QUEUE = 6
BUCKETS = (0.0, 0.05, 0.15, 0.3, 0.5, 0.7, 0.9, 1.0001)


@dataclass(frozen=True)
class Synthetic:
    type_id: int
    priority_id: int
    category_id: int
    queue: int
    minutes: int


def synthetic_ticket(rng: random.Random) -> Synthetic:
    priority = rng.choices(list(PRIORITIES), PRIORITY_WEIGHTS)[0]
    type_id = rng.choice((1, 1, 1, 2, 3))
    category = rng.randint(1, 6)
    queue = min(30, int(rng.expovariate(1 / MEAN_QUEUE)))
    load = math.sqrt((queue + 1) / (MEAN_QUEUE + 1))
    median = MEDIAN[priority] * TYPE_FACTOR[type_id] * (0.8 + 0.1 * category)
    minutes = max(1, int(rng.lognormvariate(math.log(median), SIGMA) * load))
    return Synthetic(type_id, priority, category, queue, minutes)


@dataclass(frozen=True)
class Bucket:
    low: float
    high: float
    count: int
    predicted: float
    observed: float


def calibrate(*, history: int = 20_000, trials: int = 20_000, seed: int = 7) -> list[Bucket]:
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible by seed
    past = [synthetic_ticket(rng) for _ in range(history)]
    model = RiskModel.fit(
        (Sample(t.type_id, t.priority_id, t.category_id, t.minutes) for t in past),
        typical_queue=sum(t.queue for t in past) / len(past),
    )
    rows: list[tuple[float, bool]] = []
    while len(rows) < trials:
        ticket = synthetic_ticket(rng)
        target = TARGET[ticket.priority_id]
        elapsed = int(rng.uniform(0, target))
        if ticket.minutes <= elapsed:
            continue  # already resolved when we would have looked
        p = model.probability(
            type_id=ticket.type_id,
            priority_id=ticket.priority_id,
            category_id=ticket.category_id,
            elapsed=elapsed,
            remaining=target - elapsed,
            queue=ticket.queue,
        )
        rows.append((p, ticket.minutes > target))
    return table(rows)


def table(rows: list[tuple[float, bool]]) -> list[Bucket]:
    buckets = []
    for low, high in zip(BUCKETS, BUCKETS[1:], strict=False):
        inside = [(p, hit) for p, hit in rows if low <= p < high]
        if inside:
            buckets.append(
                Bucket(
                    low,
                    min(high, 1.0),
                    len(inside),
                    sum(p for p, _ in inside) / len(inside),
                    sum(hit for _, hit in inside) / len(inside),
                )
            )
    return buckets


def brier(rows: list[tuple[float, bool]]) -> float:
    return sum((p - hit) ** 2 for p, hit in rows) / len(rows)


def format_table(buckets: list[Bucket]) -> str:
    lines = ["predicted bucket   tickets   mean predicted   observed breach rate"]
    for b in buckets:
        lines.append(
            f"{b.low:>5.0%} - {b.high:<6.0%}{b.count:>10}{b.predicted:>17.1%}{b.observed:>23.1%}"
        )
    return "\n".join(lines)
