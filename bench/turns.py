"""Round-robin turns per second with concurrent takers (PostgreSQL): how fast a team's counter
can hand out turns, which caps routed creates, for the ways of taking one.

    python bench/turns.py --database-url postgres://postgres@127.0.0.1:5432/deskline_bench

Each variant runs `--threads` threads (each with its own connection) taking `--turns` turns
each on the 1st line team's counter: the UPDATE in an `atomic` block (the previous release),
alone in autocommit mode, and as `take_turn` does it now (one implicit transaction whose
commit does not wait for the WAL flush). Concurrent takers queue on the row until the holder's
transaction ends, so the first two are capped by round trips and one fdatasync per turn.
Nothing here is part of the test suite; it only prints figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--turns", type=int, default=100, help="per thread")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="deskline.settings",
        DESKLINE_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.db import connection, connections, transaction

    from deskline.accounts.models import Team
    from deskline.routing import assignment
    from deskline.routing.models import TeamRouting

    team = Team.objects.filter(line=1).order_by("id").first()
    assert team is not None
    row, made = TeamRouting.objects.get_or_create(team=team, defaults={"strategy": "manual"})

    def in_atomic(team_id: int) -> int:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(assignment._TAKE_TURN, [team_id])
            return int(cursor.fetchone()[0])

    def autocommit(team_id: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(assignment._TAKE_TURN, [team_id])
            return int(cursor.fetchone()[0])

    variants = {
        "atomic block (before)": in_atomic,
        "autocommit": autocommit,
        "take_turn (now)": assignment.take_turn,
    }
    print(f"command: python bench/turns.py {' '.join(sys.argv[1:])}")
    print(f"load average {os.getloadavg()[0]:.2f}")
    try:
        for name, take in variants.items():

            def work(take=take) -> None:  # type: ignore[no-untyped-def]
                try:
                    for _ in range(args.turns):
                        take(team.pk)
                finally:
                    connections.close_all()

            threads = [threading.Thread(target=work) for _ in range(args.threads)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            rate = args.threads * args.turns / (time.perf_counter() - started)
            print(f"{name:<24}{rate:>9.0f} turns/s ({args.threads} threads)", flush=True)
    finally:
        if made:
            row.delete()


if __name__ == "__main__":
    main()
