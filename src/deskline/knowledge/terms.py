"""Text to search terms for the knowledge base: stems, weights, trigrams, synonyms. Pure.

Words are stemmed by the tickets app's stemmer (`tickets.stemming.stem`: Russian Snowball for
Cyrillic words, English for the rest), so "принтера"/"принтер" and "printers"/"printer" meet.
A document's terms carry a weight: each title word counts `TITLE_WEIGHT` times a body word,
and repeats in the body saturate, so a long article does not win by length alone.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

from deskline.tickets.stemming import stem

TITLE_WEIGHT = 3.0
MAX_TERM = 64
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "so",
        "the",
        "this",
        "to",
        "we",
        "what",
        "when",
        "why",
        "with",
        "you",
        "your",
        "me",
        "am",
        "was",
        "has",
        "have",
        "had",
        "will",
        "would",
        "should",
        "и",
        "в",
        "во",
        "не",
        "что",
        "он",
        "на",
        "я",
        "с",
        "со",
        "как",
        "а",
        "то",
        "все",
        "она",
        "так",
        "его",
        "но",
        "да",
        "ты",
        "к",
        "у",
        "же",
        "вы",
        "за",
        "бы",
        "по",
        "только",
        "ее",
        "мне",
        "было",
        "вот",
        "от",
        "меня",
        "еще",
        "нет",
        "о",
        "из",
        "ему",
        "теперь",
        "когда",
        "даже",
        "ну",
        "вдруг",
        "ли",
        "если",
        "уже",
        "или",
        "ни",
        "быть",
        "был",
        "него",
        "до",
        "вас",
        "нибудь",
        "опять",
        "уж",
        "вам",
        "ведь",
        "там",
        "потом",
        "себя",
        "ничего",
        "ей",
        "может",
        "они",
        "тут",
        "где",
        "есть",
        "надо",
        "ней",
        "для",
        "мы",
        "тебя",
        "их",
        "чем",
        "была",
        "сам",
        "чтоб",
        "без",
        "будто",
        "чего",
        "раз",
        "тоже",
        "себе",
        "под",
        "будет",
        "ж",
        "тогда",
        "кто",
        "этот",
        "того",
        "потому",
        "этого",
        "какой",
        "совсем",
        "ним",
        "здесь",
        "этом",
        "один",
        "почти",
        "мой",
        "тем",
        "чтобы",
        "нее",
        "сейчас",
        "были",
        "куда",
        "зачем",
        "всех",
        "никогда",
        "можно",
        "при",
        "наконец",
        "два",
        "об",
        "другой",
        "хоть",
        "после",
        "над",
        "больше",
        "тот",
        "через",
        "эти",
        "нас",
        "про",
        "всего",
        "них",
        "какая",
        "много",
        "разве",
        "три",
        "эту",
        "моя",
        "впрочем",
        "хорошо",
        "свою",
        "этой",
        "перед",
        "иногда",
        "лучше",
        "чуть",
        "том",
        "нельзя",
        "такой",
        "им",
        "более",
        "всегда",
        "конечно",
        "всю",
        "между",
        "это",
        "у",
        "нас",
        "мой",
        "наш",
        "почему",
        "пожалуйста",
        "помогите",
        "подскажите",
        "делать",
        "дела",
    ]
)


def words(text: str) -> list[str]:
    """The text's words, lower-cased, "ё" read as "е", stop words dropped."""
    found = (w.lower().replace("ё", "е") for w in _WORD.findall(text or ""))
    return [w for w in found if w not in STOPWORDS]


def term(word: str) -> str:
    return stem(word)[:MAX_TERM]


def document_terms(title: str, body: str) -> dict[str, float]:
    """Each stem of an article with its weight: title occurrences above body ones."""
    weights: dict[str, float] = {}
    for word, count in Counter(term(w) for w in words(title)).items():
        weights[word] = weights.get(word, 0.0) + TITLE_WEIGHT * (1.0 + math.log(count))
    body_counts = Counter(term(w) for w in words(body))
    length = sum(body_counts.values()) or 1
    # BM25-style saturation (k1=1.2, b=0.75 against a typical 150-word article).
    norm = 1.2 * (0.25 + 0.75 * length / 150)
    for word, count in body_counts.items():
        weights[word] = weights.get(word, 0.0) + count * 2.2 / (count + norm)
    return {w: round(v, 4) for w, v in weights.items() if w}


def trigrams(word: str) -> set[str]:
    """Character trigrams of a stem, padded so its start and end count."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """Trigram similarity (Jaccard, like PostgreSQL's pg_trgm) of two stems, 0..1."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def synonym_map(groups: Iterable[str]) -> dict[str, set[tuple[str, ...]]]:
    """From comma-separated groups ("касса, ККТ, cash register"): each single stem to the
    stem tuples of the group's other entries (a phrase is a tuple of stems)."""
    mapping: dict[str, set[tuple[str, ...]]] = {}
    for group in groups:
        entries = [tuple(term(w) for w in words(e)) for e in group.split(",")]
        entries = [e for e in entries if e]
        for entry in entries:
            for word in entry:
                mapping.setdefault(word, set()).update(e for e in entries if e != entry)
    return mapping


def idf(documents: int, containing: int) -> float:
    """BM25's inverse document frequency, never negative."""
    return math.log(1.0 + (documents - containing + 0.5) / (containing + 0.5))


_LATIN_TO_CYRILLIC = [
    ("shch", "щ"), ("sch", "щ"), ("yo", "е"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"),
    ("ch", "ч"), ("sh", "ш"), ("yu", "ю"), ("ya", "я"), ("a", "а"), ("b", "б"), ("c", "к"),
    ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"), ("h", "х"), ("i", "и"), ("j", "й"),
    ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("q", "к"),
    ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("v", "в"), ("w", "в"), ("x", "кс"),
    ("y", "ы"), ("z", "з"),
]  # fmt: skip
_QWERTY = "qwertyuiop[]asdfghjkl;'zxcvbnm,."
_JCUKEN = "йцукенгшщзхъфывапролджэячсмитьбю"
_LAYOUT = str.maketrans(_QWERTY + _JCUKEN, _JCUKEN + _QWERTY)


def transliterated(word: str) -> str | None:
    """A Latin word read as Russian ("kassa" -> "касса"), or None for a non-Latin word."""
    if not word.isascii() or not word.isalpha():
        return None
    out, i = [], 0
    while i < len(word):
        for latin, cyrillic in _LATIN_TO_CYRILLIC:
            if word.startswith(latin, i):
                out.append(cyrillic)
                i += len(latin)
                break
        else:
            out.append(word[i])
            i += 1
    return "".join(out)


def other_layout(word: str) -> str:
    """The word as typed with the other keyboard layout ("ghbynth" -> "принтер")."""
    return word.translate(_LAYOUT)


def best_passage(text: str, wanted: Iterable[str], *, limit: int = 300) -> str:
    """The paragraph of `text` holding most of the `wanted` stems (the first one if none does),
    cut to `limit` characters at a word boundary."""
    stems = set(wanted)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    if not paragraphs:
        return ""

    def hits(paragraph: str) -> int:
        return len(stems.intersection(term(w) for w in words(paragraph)))

    best = max(paragraphs, key=lambda p: (hits(p), -paragraphs.index(p)))
    best = " ".join(best.split())
    if len(best) <= limit:
        return best
    return best[:limit].rsplit(" ", 1)[0] + "…"
