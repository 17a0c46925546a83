"""Knowledge-base search: the per-article term index and the ranked query over it.

The index is a plain table (`ArticleTerm`: article, stem, weight) written when an article is
saved, plus the trigrams of every stem (`Trigram`) for misspelt words; both work the same on
SQLite and PostgreSQL. A query is stemmed, widened by the synonym table and, for a word no
article contains, by the indexed stems most similar to it; then one grouped query over the
term table sums weight x idf per article, restricted to the articles the reader may see
(`article_selectors.articles_for`), so nothing outside the reader's audience is ever ranked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, QuerySet

from deskline.accounts.models import User
from deskline.core import refcache
from deskline.knowledge.article_selectors import articles_for
from deskline.knowledge.markdown import markdown_to_text
from deskline.knowledge.models import Article, ArticleTerm, Synonym, TermStat, Trigram
from deskline.knowledge.terms import (
    TITLE_WEIGHT,
    best_passage,
    document_terms,
    idf,
    other_layout,
    similarity,
    synonym_map,
    term,
    transliterated,
    trigrams,
    words,
)

#: How a widened term counts against the word the client typed.
SYNONYM_FACTOR = 0.8
FUZZY_FACTOR = 0.7
#: A misspelt word matches indexed stems at least this similar (trigram Jaccard).
FUZZY_MIN_SIMILARITY = 0.35
FUZZY_CANDIDATES = 3
TRANSLIT_FACTOR = 0.9
#: Visible articles the first pass hands to the exact second one.
CANDIDATES = 40
#: How many of each term's heaviest postings the first pass reads.
IMPACT_DEPTH = 300
MAX_WORDS = 12


def article_index(article: Article) -> None:
    """Replace the article's rows in the search index (title and tags above the body) and move
    the per-stem article counts by what it gained and lost."""
    tags = " ".join(t.name for t in article.tags.all())
    weights = document_terms(f"{article.title} {tags}", markdown_to_text(article.body))
    before = set(ArticleTerm.objects.filter(article_id=article.pk).values_list("term", flat=True))
    ArticleTerm.objects.filter(article_id=article.pk).delete()
    ArticleTerm.objects.bulk_create(
        ArticleTerm(article_id=article.pk, term=t, weight=w) for t, w in weights.items()
    )
    gained, lost = set(weights) - before, before - set(weights)
    if lost:
        TermStat.objects.filter(term__in=lost).update(articles=F("articles") - 1)
    if gained:
        TermStat.objects.bulk_create((TermStat(term=t) for t in gained), ignore_conflicts=True)
        TermStat.objects.filter(term__in=gained).update(articles=F("articles") + 1)
        Trigram.objects.bulk_create(
            (Trigram(gram=g, term=t) for t in gained for g in trigrams(t)), ignore_conflicts=True
        )


def index_rebuild(*, batch: int = 500) -> int:
    """Re-index every article (after a stemmer or weighting change, or a bulk import)."""
    done = 0
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        rows = Article.objects.filter(pk__in=ids[start : start + batch]).prefetch_related("tags")
        terms: list[ArticleTerm] = []
        stems: set[str] = set()
        for article in rows:
            tags = " ".join(t.name for t in article.tags.all())
            weights = document_terms(f"{article.title} {tags}", markdown_to_text(article.body))
            terms += [
                ArticleTerm(article_id=article.pk, term=t, weight=w) for t, w in weights.items()
            ]
            stems.update(weights)
            done += 1
        with transaction.atomic():
            ArticleTerm.objects.filter(article_id__in=ids[start : start + batch]).delete()
            ArticleTerm.objects.bulk_create(terms, batch_size=2000)
            Trigram.objects.bulk_create(
                (Trigram(gram=g, term=t) for t in stems for g in trigrams(t)),
                ignore_conflicts=True, batch_size=2000,
            )  # fmt: skip
    counts = ArticleTerm.objects.values("term").annotate(n=Count("id")).values_list("term", "n")
    with transaction.atomic():
        TermStat.objects.all().delete()
        TermStat.objects.bulk_create(
            (TermStat(term=t, articles=n) for t, n in counts.iterator()), batch_size=2000
        )
    return done


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float
    #: The stems the query looked for (what a passage is chosen by).
    wanted: frozenset[str] = frozenset()
    #: The share of the query's words the article answers, 0..1.
    coverage: float = 0.0
    #: The score against an article holding every query word in its title (about 0..1.5):
    #: comparable across queries and corpus sizes, unlike the score.
    confidence: float = 0.0


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


def _alternatives(word: str, known: set[str]) -> dict[str, float]:
    """Indexed stems a word no article contains may stand for: its transliteration, its other
    keyboard layout, or (failing those) the stems spelt most like it."""
    found: dict[str, float] = {}
    for variant in (transliterated(word), other_layout(word)):
        if variant and term(variant) in known:
            found[term(variant)] = TRANSLIT_FACTOR
    if not found and len(term(word)) >= 3:
        found = {t: FUZZY_FACTOR * sim for t, sim in _fuzzy(term(word)).items()}
    return found


def _widen(group: dict[str, float], synonyms: dict[str, set[tuple[str, ...]]],
           found: dict[str, float]) -> None:  # fmt: skip
    """Add the synonyms of each found stem to the word's group, counting a little less."""
    for stem, factor in found.items():
        for phrase in synonyms.get(stem, ()):
            for other in phrase:
                weight = factor * SYNONYM_FACTOR / len(phrase)
                group[other] = max(group.get(other, 0.0), weight)


def _frequencies(terms: Iterable[str]) -> dict[str, int]:
    """How many articles hold each of `terms` (terms no article holds are left out)."""
    rows = TermStat.objects.filter(term__in=set(terms), articles__gt=0)
    return dict(rows.values_list("term", "articles"))


def query_terms(text: str) -> tuple[list[dict[str, float]], dict[str, int]]:
    """For each word of the query, the stems that answer it and how much each counts (1 for the
    word as typed, less for a synonym, a transliteration or a similar spelling); and how many
    articles hold each of those stems."""
    typed = words(text)[:MAX_WORDS]
    if not typed:
        return [], {}
    synonyms = refcache.cached(
        "knowledge.synonyms", lambda: synonym_map(Synonym.objects.values_list("words", flat=True))
    )
    looked_up = {term(w) for w in typed}
    for word in typed:
        looked_up.update(term(v) for v in (transliterated(word), other_layout(word)) if v)
        looked_up.update(t for phrase in synonyms.get(term(word), ()) for t in phrase)
    frequency = _frequencies(looked_up)
    groups = []
    for word in typed:
        stem = term(word)
        group = {stem: 1.0} if stem in frequency else {}
        _widen(group, synonyms, {stem: 1.0})
        if not frequency.keys() & group.keys():
            alternatives = _alternatives(word, set(frequency))
            group.update(alternatives)
            _widen(group, synonyms, alternatives)
        groups.append(group or {stem: 1.0})
    missing = {t for group in groups for t in group} - looked_up
    if missing:
        frequency.update(_frequencies(missing))
    return groups, frequency


def _scores(groups: list[dict[str, float]], idfs: dict[str, float],
            rows: Iterable[tuple[int, str, float]]) -> dict[int, float]:  # fmt: skip
    """Each article's score: per query word its best-matching term (so a word with many
    synonyms counts once), summed, times the share of query words the article answers."""
    uses: dict[str, list[tuple[int, float]]] = {}
    for index, group in enumerate(groups):
        for stem, factor in group.items():
            if stem in idfs:
                uses.setdefault(stem, []).append((index, factor * idfs[stem]))
    best: dict[int, list[float]] = {}
    for article_id, stem, weight in rows:
        parts = best.get(article_id)
        if parts is None:
            parts = best[article_id] = [0.0] * len(groups)
        for index, factor in uses.get(stem, ()):
            parts[index] = max(parts[index], weight * factor)
    share = {n: 0.5 + 0.5 * n / len(groups) for n in range(len(groups) + 1)}
    return {pk: sum(parts) * share[sum(1 for p in parts if p > 0)] for pk, parts in best.items()}


def _ideal(groups: list[dict[str, float]], idfs: dict[str, float], documents: int) -> float:
    """The score of an article holding every query word once in its title; a word no article
    holds counts as the rarest, so a question about what we have no article for stays low."""
    rarest = idf(documents, 0)
    per_word = [
        max((f * idfs[t] for t, f in group.items() if t in idfs), default=rarest)
        for group in groups
    ]
    return TITLE_WEIGHT * sum(per_word) or 1.0


def _coverage(groups: list[dict[str, float]], terms: set[str]) -> float:
    """The share of the query's words an article answers (by any of their stems)."""
    return sum(1 for group in groups if terms.intersection(group)) / len(groups)


def _impact_rows(terms: Iterable[str]) -> list[tuple[int, str, float]]:
    """Each term's IMPACT_DEPTH heaviest postings (index `kb_term_impact_idx`), in one query.

    Reading only the best postings of each term keeps a query's cost flat however many
    articles hold a common word; an article outside every term's best few is not a candidate.
    """
    table = ArticleTerm._meta.db_table
    part = (f"SELECT * FROM (SELECT article_id, term, weight FROM {table} "  # noqa: S608
            f"WHERE term = %s ORDER BY weight DESC LIMIT {IMPACT_DEPTH}) AS t{{}}")  # fmt: skip
    terms = sorted(terms)
    sql = " UNION ALL ".join(part.format(i) for i in range(len(terms)))
    with connection.cursor() as cursor:
        cursor.execute(sql, terms)
        return [(int(a), str(t), float(w)) for a, t, w in cursor.fetchall()]


def _visible_candidates(ranked: list[int], visible: QuerySet[Article]) -> list[int]:
    """The best CANDIDATES of `ranked` that the reader may see, checked a chunk at a time."""
    chosen: list[int] = []
    for start in range(0, len(ranked), 4 * CANDIDATES):
        chunk = ranked[start : start + 4 * CANDIDATES]
        allowed = set(visible.filter(pk__in=chunk).order_by().values_list("pk", flat=True))
        chosen += [pk for pk in chunk if pk in allowed]
        if len(chosen) >= CANDIDATES:
            break
    return chosen[:CANDIDATES]


def search(
    *, user: User | Any, text: str, limit: int = 10, language: str | None = None
) -> list[Hit]:
    """The articles `user` may read that best answer `text`, best first."""
    groups, frequency = query_terms(text.replace("\x00", " ")[:500])
    if not frequency:
        return []
    documents = Article.objects.count()
    idfs = {t: idf(documents, n) for t, n in frequency.items()}
    rough = _scores(groups, idfs, _impact_rows(idfs))
    ranked = sorted(rough, key=lambda pk: (-rough[pk], pk))
    visible = articles_for(user)
    if language:
        visible = visible.filter(language=language)
    candidates = _visible_candidates(ranked, visible)
    exact = list(
        ArticleTerm.objects.filter(article_id__in=candidates, term__in=idfs).values_list(
            "article_id", "term", "weight"
        )
    )
    scores = _scores(groups, idfs, exact)
    held: dict[int, set[str]] = {}
    for article_id, stem, _weight in exact:
        held.setdefault(article_id, set()).add(stem)
    best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    articles = Article.objects.select_related("category").in_bulk([pk for pk, _ in best])
    wanted = frozenset(t for group in groups for t in group)
    ideal = _ideal(groups, idfs, documents)
    return [
        Hit(articles[pk], round(score, 4), wanted, _coverage(groups, held[pk]),
            round(score / ideal, 4))
        for pk, score in best
    ]  # fmt: skip


def with_passages(hits: list[Hit]) -> list[dict[str, Any]]:
    """Hits as plain rows, each with the passage of its article that best answers the query."""
    return [
        {"id": h.article.pk, "title": h.article.title, "language": h.article.language,
         "score": h.score, "article": h.article,
         "passage": best_passage(markdown_to_text(h.article.body), h.wanted)}
        for h in hits
    ]  # fmt: skip
