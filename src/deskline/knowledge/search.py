"""Knowledge-base search: the per-article term index and the ranked query over it.

The index is a plain table (`ArticleTerm`: article, stem, weight) written when an article is
saved, plus the trigrams of every stem (`Trigram`) for misspelt words; both work the same on
SQLite and PostgreSQL. A query is stemmed, widened by the synonym table and, for a word no
article contains, by the indexed stems most similar to it; then one grouped query over the
term table sums weight x idf per article, restricted to the articles the reader may see
(`article_selectors.articles_for`), so nothing outside the reader's audience is ever ranked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, FloatField, Sum, Value, When

from deskline.accounts.models import User
from deskline.knowledge.article_selectors import articles_for
from deskline.knowledge.markdown import markdown_to_text
from deskline.knowledge.models import Article, ArticleTerm, Synonym, Trigram
from deskline.knowledge.terms import (
    document_terms,
    idf,
    similarity,
    synonym_map,
    term,
    trigrams,
    words,
)

#: How a widened term counts against the word the client typed.
SYNONYM_FACTOR = 0.8
FUZZY_FACTOR = 0.7
#: A misspelt word matches indexed stems at least this similar (trigram Jaccard).
FUZZY_MIN_SIMILARITY = 0.35
FUZZY_CANDIDATES = 3


def article_index(article: Article) -> None:
    """Replace the article's rows in the search index (title and tags above the body)."""
    tags = " ".join(t.name for t in article.tags.all())
    weights = document_terms(f"{article.title} {tags}", markdown_to_text(article.body))
    ArticleTerm.objects.filter(article_id=article.pk).delete()
    ArticleTerm.objects.bulk_create(
        ArticleTerm(article_id=article.pk, term=t, weight=w) for t, w in weights.items()
    )
    Trigram.objects.bulk_create(
        (Trigram(gram=g, term=t) for t in weights for g in trigrams(t)), ignore_conflicts=True
    )


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float


def _fuzzy(stem: str) -> dict[str, float]:
    """Indexed stems spelt like `stem`, with their similarity."""
    grams = trigrams(stem)
    need = max(1, len(grams) // 3)
    rows = (
        Trigram.objects.filter(gram__in=grams)
        .values("term")
        .annotate(shared=Count("id"))
        .filter(shared__gte=need)
        .order_by("-shared")[:50]
    )
    scored = {r["term"]: similarity(stem, r["term"]) for r in rows}
    best = sorted(scored.items(), key=lambda kv: -kv[1])[:FUZZY_CANDIDATES]
    return {t: s for t, s in best if s >= FUZZY_MIN_SIMILARITY}


def query_terms(text: str) -> dict[str, float]:
    """Each stem the query looks for with how much it counts (1 for a typed word)."""
    synonyms = synonym_map(Synonym.objects.values_list("words", flat=True))
    wanted: dict[str, float] = {}

    def want(stem: str, factor: float) -> None:
        wanted[stem] = max(wanted.get(stem, 0.0), factor)

    typed = [term(w) for w in words(text)]
    for stem in typed:
        want(stem, 1.0)
        for phrase in synonyms.get(stem, ()):
            for other in phrase:
                want(other, SYNONYM_FACTOR / len(phrase))
    known = set(
        ArticleTerm.objects.filter(term__in=typed).values_list("term", flat=True).distinct()
    )
    for stem in typed:
        if stem not in known and len(stem) >= 3:
            for other, sim in _fuzzy(stem).items():
                want(other, FUZZY_FACTOR * sim)
                for phrase in synonyms.get(other, ()):
                    for syn in phrase:
                        want(syn, FUZZY_FACTOR * sim * SYNONYM_FACTOR / len(phrase))
    return wanted


def search(
    *, user: User | Any, text: str, limit: int = 10, language: str | None = None
) -> list[Hit]:
    """The articles `user` may read that best answer `text`, best first."""
    wanted = query_terms(text[:500])
    if not wanted:
        return []
    frequency = dict(
        ArticleTerm.objects.filter(term__in=wanted)
        .values_list("term")
        .annotate(n=Count("id"))
        .values_list("term", "n")
    )
    documents = Article.objects.count()
    factors = {t: f * idf(documents, frequency[t]) for t, f in wanted.items() if t in frequency}
    if not factors:
        return []
    visible = articles_for(user)
    if language:
        visible = visible.filter(language=language)
    factor = Case(
        *(When(term=t, then=Value(f)) for t, f in factors.items()),
        default=Value(0.0),
        output_field=FloatField(),
    )
    ranked = list(
        ArticleTerm.objects.filter(term__in=factors, article__in=visible.values("pk"))
        .values("article_id")
        .annotate(score=Sum(F("weight") * factor, output_field=FloatField()))
        .order_by("-score", "article_id")[:limit]
    )
    articles = Article.objects.select_related("category").in_bulk([r["article_id"] for r in ranked])
    return [Hit(articles[r["article_id"]], round(r["score"], 4)) for r in ranked]
