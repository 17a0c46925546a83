"""Consistent fake values for an anonymised copy (pure: values in, values out, no ORM).

Every replacement is a function of the original and a per-copy salt: the same person keeps the
same fake name everywhere, the same word the same fake word, so routing rules, duplicates and
statistics behave in the copy as they do in production while no original text survives.
"""

from __future__ import annotations

import hashlib
import random
import re

from deskline.core import made_up_names as names

_WORD = re.compile(r"\w+", re.UNICODE)
_LATIN = "bcdfghklmnprstvz", "aeiou"
_CYRILLIC = "бвгдзклмнпрстфх", "аеиоуя"


def _rng(salt: str, kind: str, original: str) -> random.Random:
    seed = hashlib.sha256(f"{salt}\x00{kind}\x00{original.strip().lower()}".encode()).digest()
    return random.Random(int.from_bytes(seed[:8], "big"))  # noqa: S311 - not for security


def _language(text: str) -> str:
    return "ru" if re.search(r"[а-яё]", text, re.IGNORECASE) else "en"


def fake_person(salt: str, identity: str, sample: str = "") -> str:
    """A person's fake full name, the same for the same identity (e-mail or name)."""
    return names.person_name(_rng(salt, "person", identity), _language(sample or identity))


def fake_email(salt: str, identity: str, sample: str = "") -> str:
    person = fake_person(salt, identity, sample)
    suffix = _rng(salt, "mail", identity).randrange(1000)
    return f"{names.mailbox(person)}.{suffix}@example.invalid"


def fake_phone(salt: str, original: str) -> str:
    if not original.strip():
        return ""
    return names.phone(_rng(salt, "phone", re.sub(r"\D", "", original)), "+7")


def fake_company(salt: str, original: str) -> str:
    rng = _rng(salt, "company", original)
    language = _language(original)
    form = "ООО" if language == "ru" else "Ltd"
    return names.company_name(rng, language=language, category="office", legal_form=form)


def fake_tax_id(salt: str, original: str) -> str:
    return names.russian_inn(_rng(salt, "tax", original)) if original.strip() else ""


def _fake_word(salt: str, word: str) -> str:
    if word.isdigit():
        return word  # numbers carry no identity on their own (ticket numbers, quantities)
    consonants, vowels = _CYRILLIC if _language(word) == "ru" else _LATIN
    rng = _rng(salt, "word", word)
    letters = [
        rng.choice(vowels if i % 2 else consonants) for i in range(max(2, min(len(word), 14)))
    ]
    fake = "".join(letters)
    return fake.capitalize() if word[:1].isupper() else fake


def scramble_text(salt: str, text: str) -> str:
    """Each word replaced by a fake word of similar length and script; punctuation kept."""
    return _WORD.sub(lambda m: _fake_word(salt, m.group(0)), text)
