"""Safe `{{ name }}` substitution for texts written by administrators and agents.

Pure: no ORM, no template engine. Only variables are replaced, in one pass, by plain values
from a mapping; there are no tags, filters or attribute lookups, so a template can never run
code or reach data it was not given. Unknown names and anything else (`{% if %}`) stay as
typed, so the agent sees them before sending.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}")


def variables_in(text: str) -> list[str]:
    """The variable names `text` uses, in order of first use."""
    names: list[str] = []
    for match in _VARIABLE.finditer(text):
        if match.group(1) not in names:
            names.append(match.group(1))
    return names


def unknown_variables(text: str, known: Iterable[str]) -> list[str]:
    """The names `text` uses that are not in `known`."""
    allowed = set(known)
    return [name for name in variables_in(text) if name not in allowed]


def render(text: str, values: Mapping[str, str]) -> str:
    """`text` with each known `{{ name }}` replaced by its value; the rest left as typed.

    Values are inserted verbatim and never scanned again, so a value that itself looks like
    `{{ other }}` stays literal.
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return values[name] if name in values else match.group(0)

    return _VARIABLE.sub(replace, text)
