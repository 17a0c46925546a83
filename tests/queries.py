"""Reading captured SQL as verb and table, so tests can pin a path's statements exactly."""

from __future__ import annotations

from django.test.utils import CaptureQueriesContext


def statement_targets(ctx: CaptureQueriesContext, *, selects: bool = True) -> list[str]:
    """Each captured data statement as its verb and table, e.g. 'INSERT tickets_ticket'.

    Transaction control (savepoints, BEGIN, COMMIT) is left out.
    """
    targets = []
    for query in ctx.captured_queries:
        # A compound SELECT opens with "(" on PostgreSQL: "(SELECT ...) UNION ALL (SELECT ...)".
        words = query["sql"].replace('"', "").lstrip("(").split()
        if words[0] in ("INSERT", "DELETE"):
            table = words[words.index("INTO") + 1] if "INTO" in words else words[2]
            targets.append(f"{words[0]} {table}")
        elif words[0] == "UPDATE":
            targets.append(f"UPDATE {words[1]}")
        elif words[0] == "SELECT" and selects:
            table = words[words.index("FROM") + 1] if "FROM" in words else "?"
            targets.append(f"SELECT {table}")
    return targets


def settle_reference_cache() -> None:
    """Treat the test's setup as committed for the per-process reference cache.

    In a test, fixtures write users and settings inside the test's own transaction, so the cache
    reads its token at every lookup there (as it must inside a transaction that changed
    reference data). A request after a real commit does not: this puts the cache back in that
    state, so a pin counts what production runs.
    """
    from deskline.core import refcache

    refcache._local.changing = False
    refcache.clear()
