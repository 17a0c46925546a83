"""`demo_generate`: reference data, staff, clients, a year of tickets in batches, then the
showcase of field service, billing, knowledge and maintenance (`showcase`)."""

from __future__ import annotations

import datetime as dt
import gc
import random
import secrets
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.utils import timezone

from deskline.demo import store
from deskline.demo.arrivals import window_cuts
from deskline.demo.lifecycle import TicketPlan, creation_times, plan_ticket
from deskline.demo.load import load_companies
from deskline.demo.refs import Refs
from deskline.demo.registry import agent_count, company_count
from deskline.demo.showcase import ShowcaseSummary, showcase_ensure
from deskline.demo.sla import demo_sla_attach
from deskline.demo.writer import Written, write_plans
from deskline.tickets.numbering import next_ticket_numbers

BATCH_SIZE = 5000
HISTORY_DAYS = 365


@dataclass
class DemoSummary:
    seed: int
    tickets: int
    comments: int
    events: int
    first_number: int | None
    last_number: int | None
    companies: int  # demo companies in the database
    companies_created: int
    seconds: float
    showcase: ShowcaseSummary

    @property
    def tickets_per_second(self) -> float:
        return self.tickets / self.seconds if self.seconds else 0.0


def seeded(seed: int, label: str) -> random.Random:
    """A generator of its own for each part, so a part's data does not depend on the others."""
    return random.Random(f"{seed}/{label}")  # noqa: S311 - demo data, not secrets


def batch_sizes(total: int, batch_size: int) -> list[int]:
    """`total` split into near-equal batches of at most `batch_size`."""
    if total <= 0:
        return []
    batches = -(-total // batch_size)
    base, extra = divmod(total, batches)
    return [base + (1 if n < extra else 0) for n in range(batches)]


def demo_generate(
    *,
    tickets: int,
    seed: int | None = None,
    now: dt.datetime | None = None,
    users_password: str | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> DemoSummary:
    """Create `tickets` demo tickets (and the clients and staff they need) over the last year.

    The same seed on the same database state gives the same data. Demo logins get
    `users_password`, or an unusable password when it is None.
    """
    started = time.monotonic()
    seed = secrets.randbelow(2**31) if seed is None else seed
    now = (now or timezone.now()).replace(microsecond=0)
    password_hash = store.password_hash(users_password)
    refs, created = _prepare(seed, tickets, now, password_hash)
    collecting = gc.isenabled()
    gc.disable()  # millions of short-lived dicts, no cycles: the collector would only cost time
    try:
        written, numbers = _write_tickets(refs, seed, tickets, now, batch_size, progress)
    finally:
        if collecting:
            gc.enable()
    if numbers:
        demo_sla_attach(first_number=min(numbers), last_number=max(numbers), now=now)
    showcase = showcase_ensure(seed=seed, now=now, password_hash=password_hash)
    return DemoSummary(
        seed=seed,
        tickets=written.tickets,
        comments=written.comments,
        events=written.events,
        first_number=min(numbers, default=None),
        last_number=max(numbers, default=None),
        companies=len(refs.companies),
        companies_created=created,
        seconds=time.monotonic() - started,
        showcase=showcase,
    )


def _write_tickets(
    refs: Refs,
    seed: int,
    tickets: int,
    now: dt.datetime,
    batch_size: int,
    progress: Callable[[int], None] | None,
) -> tuple[Written, list[int]]:
    """Plan and write the tickets batch by batch; what was written and the first/last numbers."""
    written, numbers = Written(), []
    start = now - dt.timedelta(days=HISTORY_DAYS)
    # Inside the caller's transaction (tests) every write must use the caller's connection.
    pipelined = connection.vendor == "postgresql" and not connection.in_atomic_block
    sink: InlineWriter | BackgroundWriter = BackgroundWriter() if pipelined else InlineWriter()
    try:
        sizes = batch_sizes(tickets, batch_size)
        # Each batch's window holds its share of the arrivals (trend, weekdays, holidays), not
        # an equal share of the time: later windows are shorter, holiday weeks longer.
        shares = [sum(sizes[:i]) / tickets for i in range(len(sizes) + 1)] if tickets > 0 else []
        cuts = window_cuts(start, now, shares)
        for index, count in enumerate(sizes):
            rng = seeded(seed, f"tickets/{index}")
            times = creation_times(rng, cuts[index], cuts[index + 1], count)
            batch_numbers = next_ticket_numbers(count)
            plans = [
                plan_ticket(rng, refs, number=number, created=moment, now=now)
                for number, moment in zip(batch_numbers, times, strict=True)
            ]
            numbers += [batch_numbers[0], batch_numbers[-1]]
            _report(written, sink.write(plans), progress)
        _report(written, sink.finish(), progress)
    finally:
        sink.close()
    return written, numbers


def _report(total: Written, batch: Written, progress: Callable[[int], None] | None) -> None:
    total.add(batch)
    if progress is not None and batch.tickets:
        progress(batch.tickets)


def write_batch(plans: list[TicketPlan]) -> Written:
    """One batch in one transaction."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Demo rows can be made again: no need to wait for the disk at each commit.
                cursor.execute("SET LOCAL synchronous_commit = off")
        return write_plans(plans)


class InlineWriter:
    """Writes each batch as it comes, on the caller's connection."""

    def write(self, plans: list[TicketPlan]) -> Written:
        return write_batch(plans)

    def finish(self) -> Written:
        return Written()

    def close(self) -> None:
        pass


class BackgroundWriter:
    """Writes batches on other threads while the next batch is planned.

    PostgreSQL works in its own processes, so planning in Python and writing two batches
    overlap on the available cores. At most `depth` batches are in flight; each is written on
    a connection of its own, closed after it.
    """

    def __init__(
        self, depth: int = 2, write: Callable[[list[TicketPlan]], Written] = write_batch
    ) -> None:
        self.depth, self.write_one = depth, write
        self.pool = ThreadPoolExecutor(max_workers=depth, thread_name_prefix="demo-writer")
        self.pending: list[Future[Written]] = []

    def _write_and_close(self, plans: list[TicketPlan]) -> Written:
        try:
            return self.write_one(plans)
        finally:
            connections.close_all()  # this thread's connections only

    def write(self, plans: list[TicketPlan]) -> Written:
        """Queue `plans`; once `depth` batches are in flight, wait for the oldest and return it."""
        written = Written()
        if len(self.pending) >= self.depth:
            written = self.pending.pop(0).result()
        self.pending.append(self.pool.submit(self._write_and_close, plans))
        return written

    def finish(self) -> Written:
        written = Written()
        while self.pending:
            written.add(self.pending.pop(0).result())
        return written

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


@transaction.atomic
def _prepare(seed: int, tickets: int, now: dt.datetime, password_hash: str) -> tuple[Refs, int]:
    """Reference data, teams and agents, client companies: found or created."""
    today = timezone.localdate(now)
    ref = store.ensure_reference()
    teams, staff_names = store.ensure_staff(
        seeded(seed, "staff"), agents=agent_count(tickets), password_hash=password_hash
    )
    managers = list(teams[2].members) if 2 in teams else []
    created = store.ensure_companies(
        seeded(seed, "companies"),
        count=company_count(tickets),
        ref=ref,
        today=today,
        password_hash=password_hash,
        managers=managers,
    )
    companies = load_companies(since=today - dt.timedelta(days=HISTORY_DAYS), today=today)
    refs = Refs(
        statuses=ref.statuses,
        priorities=ref.priorities,
        types=ref.types,
        categories=ref.categories,
        teams=teams,
        staff_names=staff_names,
        companies=companies,
    )
    return refs, created
