"""What the bot does with the search's ranked scores: answer, ask which one, or admit it has no
answer. Pure: values in, a decision out. The bot only ever answers with one of our articles,
so it never invents an answer."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Below this confidence (`search.Hit.confidence`: the score against an article holding every
#: word of the question in its title) the best article is a guess, not an answer. On the labelled
#: set (320 questions, 60 articles) 4 right answers scored below it; questions we have no
#: article for ("погода в москве", "football score today", "купить слона") scored 0.16 at most.
MIN_CONFIDENCE = 0.3
#: When the runner-up scores at least this share of the best, the bot asks which one is meant.
CLOSE_SHARE = 0.8

_HUMAN = re.compile(
    r"\b(оператор\w*|человек\w*|сотрудник\w*|специалист\w*|operator|human|person|agent)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Decision:
    action: str  # "answer", "clarify" or "none"
    article_ids: tuple[int, ...] = ()


def decide(ranked: list[tuple[int, float, float]]) -> Decision:
    """`ranked`: (article id, score, confidence), best first."""
    if not ranked or ranked[0][2] < MIN_CONFIDENCE:
        return Decision("none")
    best_id, best, _confidence = ranked[0]
    if len(ranked) > 1 and ranked[1][1] >= CLOSE_SHARE * best:
        return Decision("clarify", (best_id, ranked[1][0]))
    return Decision("answer", (best_id,))


def wants_a_person(text: str) -> bool:
    """Whether the client asks for a person ("оператор", "talk to a human")."""
    return bool(_HUMAN.search(text))
