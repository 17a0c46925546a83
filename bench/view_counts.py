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

Nothing here is part of the test suite; it only prints figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def _ms(fn) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--users", type=int, default=144, help="staff counting (for the sums)")
    parser.add_argument("--pages-per-second", type=float, default=60.0)
    parser.add_argument("--staleness", type=float, default=30.0)
    parser.add_argument("--processes", type=int, default=2, help="web processes (no Redis)")
    parser.add_argument("--old-users", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskline.settings")
    import django

    django.setup()
    from django.utils import timezone

    from deskline.accounts.models import STAFF_ROLES, User
    from deskline.tickets import saved_views as sv
    from deskline.tickets.models import OPEN_PHASES, Ticket

    now = timezone.now()
    print(
        f"tickets {Ticket.objects.count():,}, open "
        f"{Ticket.objects.filter(phase__in=OPEN_PHASES).count():,}"
    )
    shared_ms = [_ms(lambda: sv.shared_counts_count(now)) for _ in range(args.repeat)]
    by_team = sv.shared_counts_count(now).by_team
    print("shared pass ms:", [round(x) for x in shared_ms])
    staff = list(User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by("pk"))
    own_ms = sorted(_ms(lambda u=u: sv._own_counts_count(u, now, by_team)) for u in staff)
    print(
        f"own part ms over {len(own_ms)} staff: median {statistics.median(own_ms):.1f}, "
        f"p90 {own_ms[int(len(own_ms) * 0.9)]:.1f}, max {own_ms[-1]:.1f}"
    )
    agents = [u for u in staff if not u.sees_all_tickets][: args.old_users]
    old_ms = [_ms(lambda u=u: sv.view_counts(user=u, now=now)) for u in agents]
    print("previous per-user count ms:", [round(x) for x in old_ms])
    shared, own, old = min(shared_ms), statistics.median(own_ms), statistics.median(old_ms)
    refresh = args.staleness * sv._REFRESH_AHEAD
    per_second_new = args.processes * shared / refresh + args.users * own / args.staleness
    per_second_old = args.users * old / args.staleness
    pages = args.pages_per_second
    print(
        f"DB ms per page ({args.users} users, {pages:g} pages/s, {args.staleness:g} s window, "
        f"{args.processes} processes): shared {args.processes * shared / refresh / pages:.2f} + "
        f"own {args.users * own / args.staleness / pages:.2f} = {per_second_new / pages:.2f} "
        f"(previously {per_second_old / pages:.1f})"
    )


if __name__ == "__main__":
    main()
