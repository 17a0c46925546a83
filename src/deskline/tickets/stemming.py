"""Word stemming for the SQLite full-text index (PostgreSQL stems in the database).

Cyrillic words get the Russian Snowball stemmer, others the English one, so that "принтера" and
"принтер", "printers" and "printer" meet in the index. Pure functions, no ORM.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_english = snowballstemmer.stemmer("english")
_russian = snowballstemmer.stemmer("russian")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    lowered = word.lower().replace("ё", "е")
    stemmer = _russian if _CYRILLIC.search(lowered) else _english
    return str(stemmer.stemWord(lowered))


def stems(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text)]


def stemmed_text(text: str) -> str:
    """The text as a space-separated run of stems, for indexing."""
    return " ".join(stems(text))
