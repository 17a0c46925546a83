"""The labelled question set (tests/data/knowledge): load its articles, score the search on it.

Shared by the accuracy test and `bench/knowledge.py`. An answer counts when the labelled
article or one of its translations is among the first k hits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deskline.accounts.models import User
from deskline.knowledge.article_services import article_create, category_create
from deskline.knowledge.models import Article, ArticleAudience, ArticleState, Category
from deskline.knowledge.search import search

DATA = Path(__file__).resolve().parent.parent / "data" / "knowledge"


def questions(name: str = "questions.tsv") -> list[tuple[str, str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            question, key = line.split("\t")
            rows.append((question.strip(), key.strip()))
    return rows


def load_articles(actor: User) -> dict[str, Article]:
    """Write every article of the set (published, public) and return them by key."""
    categories: dict[str, Category] = {}
    loaded: dict[str, Article] = {}
    for row in json.loads((DATA / "articles.json").read_text(encoding="utf-8")):
        name = row["category"]
        if name not in categories:
            categories[name] = category_create(actor=actor, name=name)
        original = loaded[row["translation_of"]].pk if row.get("translation_of") else None
        loaded[row["key"]] = article_create(
            actor=actor, title=row["title"], body=row["body"], language=row["lang"],
            tags=row["tags"], category_id=categories[name].pk, translation_of_id=original,
            state=ArticleState.PUBLISHED, audience=ArticleAudience.PUBLIC,
        )  # fmt: skip
    return loaded


@dataclass
class Score:
    total: int = 0
    top1: int = 0
    top3: int = 0
    misses: list[tuple[str, str, list[str]]] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.total if self.total else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.total if self.total else 0.0


def evaluate(user: User | Any, loaded: dict[str, Article], name: str = "questions.tsv") -> Score:
    """Top-1 and top-3 accuracy of `search` for `user` over the labelled questions."""
    group = {a.pk: a.translation_of_id or a.pk for a in loaded.values()}
    names = {a.pk: key for key, a in loaded.items()}
    score = Score()
    for question, key in questions(name):
        wanted = group[loaded[key].pk]
        hits = [h.article.pk for h in search(user=user, text=question, limit=3)]
        found = [group.get(pk) for pk in hits]
        score.total += 1
        score.top1 += bool(found[:1] == [wanted])
        score.top3 += wanted in found
        if wanted not in found:
            score.misses.append((question, key, [names.get(pk, str(pk)) for pk in hits]))
    return score
