"""The database's planner statistics: kept fresh on SQLite, where nothing else does it, and
refreshed on both databases after a bulk load.

Without statistics SQLite's planner guesses, and at scale it guesses wrong: the desk's "open
tickets, newest first" read every open ticket through the phase index and sorted them (80 ms at
100,000 tickets) instead of walking the partial index of open tickets in order (0.1 ms).
`statistics_refresh` samples each index (`analysis_limit`, so a large database takes
milliseconds, not seconds, under the write lock) after every `migrate` and once a day.
PostgreSQL's autovacuum keeps its own statistics, some minutes after the rows change (or never,
where it is switched off): `statistics_after_load` does it at once after a bulk load, since until
then a prepared statement's generic plan guesses the size of every table it has no statistics
for (one hashed all 3,730 users to join a ticket's 7 events), and index-only scans read the heap
of every row the visibility map does not yet mark.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

#: Rows sampled per index (SQLite's suggested range is 100-1000).
ANALYSIS_LIMIT = 1000


def statistics_refresh(using: Any = None) -> bool:
    """Refresh SQLite's planner statistics; False on other databases (nothing done)."""
    conn = using or connection
    if conn.vendor != "sqlite":
        return False
    with conn.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
    return True


def statistics_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    statistics_refresh(connections[using])


def statistics_after_load(using: Any = None) -> None:
    """After a bulk load (the demo, an import): SQLite's sampled `ANALYZE`; on PostgreSQL
    `VACUUM (ANALYZE)` of the whole database, or only `ANALYZE` inside a transaction, where
    VACUUM cannot run."""
    conn = using or connection
    if statistics_refresh(conn) or conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if conn.get_autocommit() else "ANALYZE")
