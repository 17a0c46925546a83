"""View counts benchmark (issue 22): what the desk's sidebar counts cost the database.

Read-only: it runs SELECTs on an already seeded database (`deskline demo --tickets ...`) and
writes nothing, so it may point at a shared one. It times, side by side in the same run:

1. the shared pass (`shared_counts_count`: every user-independent view, per team, once for
   everyone), `--repeat` times;
2. every active staff user's own part (`_own_counts_count`: their teams, "mine", and what they
   see outside the teams they cover);
3. the previous per-user count (`view_counts`, capped) for `--old-users` agents;

then prints the database time per desk page, amortised, for `--users` staff counting once per
window of `DESKLINE_VIEW_COUNT_SECONDS` (`--staleness`) at `--pages-per-second`: the shared
pass once per refresh (3/4 of the window, per process without a shared cache: `--processes`)
and each user's own part once per window.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dl_now_1000000 \\
        nice -n 19 .venv/bin/python bench/view_counts.py --users 144 --pages-per-second 60

`--extra-open N` (PostgreSQL) first reopens N resolved or closed tickets inside a transaction
that is rolled back at the end, so a seeded database shows more open tickets (170k at a million:
`--extra-open 121159`) without writing anything permanently: picked across the whole table (so
spread over teams and assignees as the closed ones are), one in ten new and unassigned and not
yet answered, three in ten waiting (paused), the rest open; resolution deadlines from 240 hours
past to 57 hours ahead (four in five past, some within the at-risk window), reaction deadlines
likewise, and a predicted breach risk on each, as the demo gives its open tickets. The reopened
rows are not yet all-visible, so index-only scans still visit their heap pages, as they would
just after a busy hour.

`--create-indexes NAME,...` builds the named indexes of this checkout's models (suffixed
`_bench`) in that same rolled-back transaction, for timing a change that adds indexes against a
shared database that has not migrated (CREATE INDEX takes a SHARE lock: readers go on).

Nothing here is part of the test suite; it only prints figures.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `--src DIR` times another checkout's code (the base, side by side) with this script.
_SRC = sys.argv[sys.argv.index("--src") + 1] if "--src" in sys.argv else str(ROOT / "src")
sys.path.insert(0, _SRC)


#: Milliseconds spent inside the database driver's execute (the statements' round trips: the
#: database's planning and execution), summed over the calls timed by `_ms`.
_IN_DB: list[float] = []


def _in_db(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        _IN_DB.append((time.perf_counter() - started) * 1000)


def _ms(fn, db: list[float] | None = None) -> float:  # type: ignore[no-untyped-def]
    """Wall milliseconds of `fn()`; with `db`, also appends the milliseconds its statements
    spent in the database."""
    from django.db import connection

    _IN_DB.clear()
    started = time.perf_counter()
    with connection.execute_wrapper(_in_db):
        fn()
    if db is not None:
        db.append(sum(_IN_DB))
    return (time.perf_counter() - started) * 1000


REOPEN_SQL = """
WITH picked AS (
    SELECT id, row_number() OVER (ORDER BY md5(id::text)) AS k
    FROM tickets_ticket WHERE phase IN ('resolved', 'closed')
    ORDER BY md5(id::text) LIMIT %(n)s
), planned AS (
    SELECT id, k, CASE WHEN k %% 10 = 0 THEN 'new' WHEN k %% 10 < 4 THEN 'waiting' ELSE 'open' END
        AS phase FROM picked
), updated AS (
    UPDATE tickets_ticket t SET
        phase = p.phase,
        status_id = (SELECT min(s.id) FROM tickets_status s WHERE s.phase = p.phase),
        assignee_id = CASE WHEN p.phase = 'new' THEN NULL ELSE t.assignee_id END,
        reacted_at = CASE WHEN p.phase = 'new' THEN NULL ELSE coalesce(t.reacted_at, t.created_at)
            END,
        resolution_due = now() + ((p.k %% 100) - 80) * interval '3 hours',
        reaction_due = now() + ((p.k %% 37) - 30) * interval '1 hour',
        resolved_at = NULL, closed_at = NULL
    FROM planned p WHERE t.id = p.id
    RETURNING t.id, p.phase, p.k
)
UPDATE sla_ticketsla s SET
    paused_since = CASE WHEN u.phase = 'waiting' THEN now() ELSE NULL END,
    breach_risk = 0.5 + (u.k %% 50) / 100.0
FROM updated u WHERE s.ticket_id = u.id
"""


def reopen(n: int) -> None:
    """Reopen `n` resolved or closed tickets (see the module docstring); the caller rolls back."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(REOPEN_SQL, {"n": n})


def create_indexes(names: list[str]) -> None:
    """Build the named model indexes under a `_bench` name; the caller rolls back."""
    from django.apps import apps
    from django.db import connection

    wanted = set(names)
    with connection.schema_editor() as editor:
        for model in apps.get_models():
            for index in model._meta.indexes:
                if index.name in wanted:
                    wanted.discard(index.name)
                    clone = index.clone()
                    clone.name = f"{index.name[:24]}_bench"
                    started = time.perf_counter()
                    editor.add_index(model, clone)
                    print(f"built {clone.name} in {time.perf_counter() - started:.1f} s")
    if wanted:
        raise SystemExit(f"no such index: {', '.join(sorted(wanted))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--users", type=int, default=144, help="staff counting (for the sums)")
    parser.add_argument("--pages-per-second", type=float, default=60.0)
    parser.add_argument("--staleness", type=float, default=30.0)
    parser.add_argument("--processes", type=int, default=2, help="web processes (no Redis)")
    parser.add_argument("--old-users", type=int, default=3)
    parser.add_argument("--src", default=_SRC, help="the source tree to time (default: this one)")
    parser.add_argument(
        "--extra-open",
        type=int,
        default=0,
        help="reopen this many closed tickets first, in a transaction rolled back at the end",
    )
    parser.add_argument(
        "--explain",
        default="",
        help="write EXPLAIN (ANALYZE, BUFFERS) of the shared pass's statements to this file",
    )
    parser.add_argument(
        "--create-indexes",
        default="",
        help="comma-separated model index names to build first (rolled back too)",
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskline.settings")
    import django

    django.setup()
    from django.db import transaction

    writes = bool(args.extra_open or args.create_indexes)
    with transaction.atomic() if writes else contextlib.nullcontext():
        if args.create_indexes:  # first: not after an UPDATE with constraint checks pending
            create_indexes(args.create_indexes.split(","))
        if args.extra_open:
            started = time.perf_counter()
            reopen(args.extra_open)
            print(f"reopened {args.extra_open:,} tickets in {time.perf_counter() - started:.1f} s")
        _run(args)
        if writes:
            transaction.set_rollback(True)


def _explain(path: str, fn) -> None:  # type: ignore[no-untyped-def]
    """EXPLAIN (ANALYZE, BUFFERS) each counting statement `fn` runs, with the session settings
    it makes (SET LOCAL), into `path`."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    plans: list[str] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for query in ctx.captured_queries:
            sql = query["sql"]
            if sql.startswith("SET "):
                cursor.execute(sql)
            elif "COUNT(" in sql:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    Path(path).write_text("\n\n".join(plans) + "\n")
    print(f"plans written to {path}")


def _run(args: argparse.Namespace) -> None:
    from django.utils import timezone

    from deskline.accounts.models import STAFF_ROLES, User
    from deskline.tickets import saved_views as sv
    from deskline.tickets.models import OPEN_PHASES, Ticket

    now = timezone.now()
    print(f"code from {sv.__file__}")
    print(
        f"tickets {Ticket.objects.count():,}, open "
        f"{Ticket.objects.filter(phase__in=OPEN_PHASES).count():,}"
    )
    shared_db: list[float] = []
    shared_ms = [_ms(lambda: sv.shared_counts_count(now), shared_db) for _ in range(args.repeat)]
    if args.explain:
        _explain(args.explain, lambda: sv.shared_counts_count(now))
        again = [_ms(lambda: sv.shared_counts_count(now)) for _ in range(args.repeat)]
        print("shared pass ms after the EXPLAIN:", [round(x) for x in again])
    by_team = sv.shared_counts_count(now).by_team
    print("shared pass ms:", [round(x) for x in shared_ms], "in the database:",
          [round(x) for x in shared_db])  # fmt: skip
    staff = list(User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by("pk"))
    own_db: list[float] = []
    own_ms = sorted(_ms(lambda u=u: sv._own_counts_count(u, now, by_team), own_db) for u in staff)
    own_db.sort()
    print(
        f"own part ms over {len(own_ms)} staff: median {statistics.median(own_ms):.1f}, "
        f"p90 {own_ms[int(len(own_ms) * 0.9)]:.1f}, max {own_ms[-1]:.1f}; in the database: "
        f"median {statistics.median(own_db):.1f}, p90 {own_db[int(len(own_db) * 0.9)]:.1f}"
    )
    agents = [u for u in staff if not u.sees_all_tickets][: args.old_users]
    old_ms = [_ms(lambda u=u: sv.view_counts(user=u, now=now)) for u in agents]
    print("previous per-user count ms:", [round(x) for x in old_ms])
    old = statistics.median(old_ms) if old_ms else float("nan")
    refresh = args.staleness * sv._REFRESH_AHEAD
    pages = args.pages_per_second
    for label, shared, own in (
        ("wall", min(shared_ms), statistics.median(own_ms)),
        ("in the database", min(shared_db), statistics.median(own_db)),
    ):
        per_second_new = args.processes * shared / refresh + args.users * own / args.staleness
        per_second_old = args.users * old / args.staleness
        print(
            f"ms per page, {label} ({args.users} users, {pages:g} pages/s, "
            f"{args.staleness:g} s window, {args.processes} processes): shared "
            f"{args.processes * shared / refresh / pages:.2f} + own "
            f"{args.users * own / args.staleness / pages:.2f} = {per_second_new / pages:.2f} "
            f"(previous per-user counts, wall: {per_second_old / pages:.1f})"
        )


if __name__ == "__main__":
    main()
