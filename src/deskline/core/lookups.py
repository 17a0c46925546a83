"""`in_literal`, an `IN` lookup whose values are written into the SQL, and `JoinedIds`, a
row's related ids in its own query.

SQLite uses a partial index only when the query's WHERE clause contains the index's condition
as written; a parameter (`phase IN (?, ?, ?)`) proves nothing to it, so a list filtered by
`phase__in=OPEN_PHASES` could not walk the partial index of open tickets. Values are checked to
be plain identifiers (our enum values), never user input, before they are written.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Aggregate, CharField
from django.db.models.lookups import In

_PLAIN = re.compile(r"[a-z_][a-z0-9_]*\Z")


class InLiteral(In[Any]):
    lookup_name = "in_literal"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        values = list(self.rhs)
        if not values or not all(isinstance(v, str) and _PLAIN.match(v) for v in values):
            raise ValueError("in_literal takes plain lower-case identifiers only")
        lhs, lhs_params = self.process_lhs(compiler, connection)
        written = ", ".join(f"'{v}'" for v in values)
        return f"{lhs} IN ({written})", list(lhs_params)


class JoinedIds(Aggregate):
    """The ids of the aggregated rows as one comma-separated string ("3,17"), in any order:
    PostgreSQL's `STRING_AGG`, SQLite's `GROUP_CONCAT`, so a row's few related ids come with
    the row's own query (`parse_ids` reads them back)."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS TEXT), ',')"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, function="GROUP_CONCAT", template="%(function)s(%(expressions)s)"
        )


def parse_ids(joined: str | None) -> list[int]:
    return [int(part) for part in (joined or "").split(",") if part.strip().isdigit()]
