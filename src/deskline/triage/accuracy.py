"""Accuracy over time (pure, no ORM): per field and week, how many of the model's predictions
matched the value the ticket finally kept, as agents left it when they finished the ticket.

Every prediction counts, whatever became of it (applied, suggested, shown below the threshold,
accepted, corrected or dismissed): the figure measures the model, not the agents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class WeekAccuracy:
    week: dt.date  # its Monday
    predicted: int
    correct: int

    @property
    def accuracy(self) -> float:
        """Share of predictions that matched, in percent."""
        return round(100.0 * self.correct / self.predicted, 1) if self.predicted else 0.0


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekly_accuracy(
    predictions: Iterable[tuple[str, dt.date, int, int | None]],
) -> dict[str, list[WeekAccuracy]]:
    """{field: weeks oldest first} from (field, day predicted, predicted id, final id) rows."""
    counts: dict[str, dict[dt.date, list[int]]] = {}
    for field, day, predicted, final in predictions:
        tally = counts.setdefault(field, {}).setdefault(monday_of(day), [0, 0])
        tally[0] += 1
        tally[1] += predicted == final
    return {
        field: [WeekAccuracy(week, n, hit) for week, (n, hit) in sorted(weeks.items())]
        for field, weeks in counts.items()
    }
