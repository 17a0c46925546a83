"""Net Promoter Score arithmetic (pure): promoters 9-10, passives 7-8, detractors 0-6; NPS is
the promoters' share minus the detractors' share, in points from -100 to 100."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class NpsFigures:
    sent: int
    answered: int
    promoters: int
    passives: int
    detractors: int

    @property
    def answer_rate(self) -> float | None:
        return round(100.0 * self.answered / self.sent, 1) if self.sent else None

    @property
    def nps(self) -> float | None:
        if not self.answered:
            return None
        return round(100.0 * (self.promoters - self.detractors) / self.answered, 1)


def nps_figures(sent: int, scores: Iterable[int]) -> NpsFigures:
    given = list(scores)
    return NpsFigures(
        sent=sent,
        answered=len(given),
        promoters=sum(1 for s in given if s >= 9),
        passives=sum(1 for s in given if 7 <= s <= 8),
        detractors=sum(1 for s in given if s <= 6),
    )
