"""Phone numbers as people write them, reduced to one comparable form (pure, no ORM).

A caller's number arrives as `+7 (912) 345-67-89`, `89123456789`, `8 912 345 67 89` or from a
PBX as `79123456789`; the registry stores whatever an agent typed. Each contact also keeps the
E.164 form (`+79123456789`) so a lookup is one indexed equality. Numbers without a country code
are read in the installation's region (`DESKLINE_PHONE_REGION`), where national trunk prefixes
such as Russia's leading 8 are understood by libphonenumber.
"""

from __future__ import annotations

import re

import phonenumbers

_NOT_DIGITS = re.compile(r"\D+")
#: Fewer digits than this cannot identify a subscriber anywhere; they stay a partial search.
MIN_SUBSCRIBER_DIGITS = 6


def phone_normalize(raw: str, *, region: str) -> str:
    """The E.164 form of `raw`, or "" when it is not a possible phone number."""
    text = (raw or "").strip()
    digits = _NOT_DIGITS.sub("", text)
    if len(digits) < MIN_SUBSCRIBER_DIGITS:
        return ""
    for candidate, default_region in _readings(text, digits, region):
        try:
            number = phonenumbers.parse(candidate, default_region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return ""


def _readings(text: str, digits: str, region: str) -> list[tuple[str, str | None]]:
    """Ways to read the input: as written in the region, then as an international number.

    A PBX often drops the "+" (`79123456789`); read literally in RU that is a national number
    with a bad length, so the international reading is tried second.
    """
    readings: list[tuple[str, str | None]] = [(text, region or None)]
    if not text.startswith("+"):
        readings.append(("+" + digits, None))
    return readings


def phone_digits(raw: str) -> str:
    """Only the digits: what a partial phone search compares."""
    return _NOT_DIGITS.sub("", raw or "")
