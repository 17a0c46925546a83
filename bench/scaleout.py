"""The documented multi-machine layout on one machine, under load, with a web server and a
worker killed mid-run; then a check that nothing accepted was lost or done twice.

Layout (README, "Running at scale"): PostgreSQL and Redis shared; two web servers (the
production granian command, each in its own process group as if on its own machine) behind a
small TCP load balancer written here (round robin; a backend that refuses the connection is
skipped, since nothing has been sent yet; a request whose bytes went out is never re-sent, as
that could duplicate it: the client sees the error and decides); two `deskline worker`
processes; one `deskline scheduler`.

Load, for `--duration` seconds from `--clients` keep-alive clients through the balancer:
- creates: `POST /api/v1/tickets`, each title carrying a unique marker; a create that fails is
  not retried (there is no idempotency key), so its marker may or may not be stored;
- lists: `GET /api/v1/tickets` (first page, newest first);
- mail intake: raw messages pushed to `POST /api/v1/channels/mail/inbound`, new requests from
  new senders and replies (In-Reply-To an earlier one) from the same sender, each with a marker;
  a message that fails is re-sent as it is (the same Message-ID), which is what the endpoint's
  duplicate detection is for;
- SLA escalations: `--escalations` open tickets get a 24/7 policy whose one step fires at the
  reaction breach (notifies the assignee, raises the priority), with reaction deadlines spread
  over the run; the SLA job is enqueued every `--sla-every` seconds (as a faster scheduler
  would), so two workers often run it at the same time.

At half time it SIGKILLs web server 1 and worker 1 (each's whole process group; the worker
when both workers are busy, so it dies holding a job) and restarts them `--restart-after`
seconds later. After the run it waits for the queue to drain (enqueueing the event sweeper as
the scheduler would) and checks:
- every create answered 2xx is stored exactly once, and no marker is stored twice;
- every mail answered 202 is exactly one processed message and one ticket (new) or one comment
  (reply), and no marker is stored twice;
- every escalation ticket whose deadline passed has exactly one breach event, one step
  warning, one priority raise;
- every job enqueued during the run finished once: none left waiting, running or failed, every
  event of the run dispatched.
It prints throughput, p50/p99 per kind, the errors clients saw around the kill, and PASS/FAIL
per check; it exits 1 if a check fails.

    python bench/scaleout.py                       # 5,000 tickets, 60 s, PostgreSQL + Redis db 13
    python bench/scaleout.py --reuse --duration 30 --clients 6

Nothing here is part of the test suite (tests/test_bench_scaleout.py covers the balancer's
choice of backend).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import http.client
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import format_datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
from bench.api import (  # noqa: E402
    PYTHON,
    _deskline,
    _env,
    _free_port,
    _recreate_database,
    _start_server,
    machine_speed,
)

Backend = tuple[str, int]


# --- the load balancer -----------------------------------------------------------------------


class BackendPool:
    """Round robin over the backends; one that refused a connection goes last for `cooldown`
    seconds (a passive health check), so new connections stop waiting on a dead machine."""

    def __init__(self, backends: list[Backend], cooldown: float = 2.0) -> None:
        self.backends = list(backends)
        self.cooldown = cooldown
        self.turn = 0
        self.down_until: dict[Backend, float] = {}

    def order(self, now: float) -> list[Backend]:
        """The backends to try for the next connection, in order: the next in turn first,
        the ones that failed recently last."""
        start = self.turn % len(self.backends)
        self.turn += 1
        rotated = self.backends[start:] + self.backends[:start]
        return sorted(rotated, key=lambda backend: self.down_until.get(backend, 0.0) > now)

    def failed(self, backend: Backend, now: float) -> None:
        self.down_until[backend] = now + self.cooldown


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except OSError:
        pass
    finally:
        writer.close()


async def _proxy(
    pool: BackendPool, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
) -> None:
    """Connect the client to the first backend that accepts, then copy bytes both ways. Only
    the connect is retried on another backend: once a byte is sent, a failure is the client's."""
    for backend in pool.order(time.monotonic()):
        try:
            upstream_reader, upstream_writer = await asyncio.wait_for(
                asyncio.open_connection(*backend), timeout=2
            )
        except (OSError, TimeoutError):
            pool.failed(backend, time.monotonic())
            continue
        await asyncio.gather(
            _pipe(client_reader, upstream_writer), _pipe(upstream_reader, client_writer)
        )
        return
    client_writer.close()


async def _balance(port: int, backends: list[Backend]) -> None:
    pool = BackendPool(backends)
    server = await asyncio.start_server(
        lambda r, w: _proxy(pool, r, w), "127.0.0.1", port, backlog=512
    )
    print("balancer ready", flush=True)
    async with server:
        await server.serve_forever()


def start_balancer(port: int, backends: list[Backend]) -> subprocess.Popen[str]:
    """The balancer in a process of its own (as on its own machine): this script, --balance."""
    spec = [f"{host}:{p}" for host, p in backends]
    process = subprocess.Popen(
        [PYTHON, __file__, "--balance", str(port), *spec], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    if process.stdout.readline().strip() != "balancer ready":
        raise SystemExit("the load balancer did not start")
    return process


# --- the installation ------------------------------------------------------------------------


@dataclass
class Machines:
    """The processes of the layout, each in its own process group (one "machine")."""

    env: dict[str, str]
    web_ports: list[int]
    web_threads: int
    web: list[subprocess.Popen[Any]] = field(default_factory=list)
    workers: list[subprocess.Popen[Any]] = field(default_factory=list)
    others: list[subprocess.Popen[Any]] = field(default_factory=list)

    def start_web(self, index: int) -> subprocess.Popen[Any]:
        return _start_server(self.env, self.web_ports[index], 1, self.web_threads, own_group=True)

    def _log(self, name: str) -> Any:
        folder = Path(self.env["DESKLINE_DATA_DIR"]) / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        return (folder / f"{name}.log").open("a")

    def start_worker(self, number: int) -> subprocess.Popen[Any]:
        log = self._log(f"worker{number}")
        command = [PYTHON, "-m", "deskline.cli", "worker"]
        return subprocess.Popen(command, env=self.env, process_group=0, stdout=log, stderr=log)

    def start(self) -> None:
        self.web = [self.start_web(i) for i in range(len(self.web_ports))]
        self.workers = [self.start_worker(1), self.start_worker(2)]
        log = self._log("scheduler")
        scheduler = [PYTHON, "-m", "deskline.cli", "scheduler"]
        self.others.append(
            subprocess.Popen(scheduler, env=self.env, process_group=0, stdout=log, stderr=log)
        )

    def stop(self) -> None:
        for process in [*self.web, *self.workers, *self.others]:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in [*self.web, *self.workers, *self.others]:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def kill_group(process: subprocess.Popen[Any]) -> None:
    """SIGKILL a "machine": the process and everything it forked."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def settings_env(args: argparse.Namespace) -> dict[str, str]:
    data_dir = Path(args.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    env = _env(args.database_url, data_dir)
    env.update(
        REDIS_URL=args.redis_url,
        SECRET_KEY=f"scaleout-{uuid.uuid4().hex}",  # the same on every "machine"
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",  # nothing leaves
        PYTHONUNBUFFERED="1",
    )
    return env


def seed(args: argparse.Namespace, env: dict[str, str]) -> None:
    if args.reuse:
        _deskline(env, "manage", "migrate", "-v", "0")
        return
    print(f"seeding {args.tickets:,} tickets into {args.database_url} ...", flush=True)
    _recreate_database(args.database_url)
    _deskline(env, "manage", "migrate", "-v", "0")
    _deskline(env, "demo", "--tickets", str(args.tickets), "--seed", "1")


# --- fixtures and checks (this process, through the ORM) -------------------------------------


@dataclass
class Fixture:
    token: str
    mailbox_token: str
    escalation_ids: list[int]
    priority_weights: dict[int, int]  # escalation ticket id -> its weight before the run


def prepare(escalations: int) -> Fixture:
    """API token, push mailbox, and the escalation tickets under a 24/7 one-step policy."""
    from deskline.accounts.models import Role, User
    from deskline.accounts.services import api_token_create
    from deskline.channels.models import Mailbox
    from deskline.channels.services import mailbox_token_create
    from deskline.sla.models import Calendar, EscalationStep, SlaPolicy, TicketSla
    from deskline.tickets.models import Priority, Ticket
    from deskline.tickets.services import ticket_create

    admin, _ = User.objects.get_or_create(
        username="bench", defaults={"role": Role.ADMIN, "is_superuser": True}
    )
    mailbox, _ = Mailbox.objects.update_or_create(
        name="scaleout",
        defaults={"address": "support@scaleout.example", "rate_limit": 0, "is_active": True},
    )
    calendar, _ = Calendar.objects.get_or_create(
        name="Scale-out 24/7", defaults={"always": True, "time_zone": "UTC"}
    )
    policy, _ = SlaPolicy.objects.get_or_create(
        name="Scale-out escalation", defaults={"calendar": calendar}
    )
    EscalationStep.objects.get_or_create(
        policy=policy,
        name="Scale-out breach",
        defaults={
            "deadline": "reaction",
            "trigger": "breach",
            "notify_assignee": True,
            "raise_priority": True,
            "any_time": True,
        },
    )
    lowest = Priority.objects.order_by("weight").first()
    assert lowest is not None
    agents = list(User.objects.filter(role=Role.AGENT, is_active=True).order_by("id")[:20])
    ids = []
    for n in range(escalations):
        ticket = ticket_create(
            actor=admin,
            title=f"Scale-out escalation {n}",
            priority_id=lowest.pk,
            assignee_id=agents[n % len(agents)].pk if agents else None,
        )
        ids.append(ticket.pk)
    TicketSla.objects.filter(ticket_id__in=ids).update(
        policy=policy, calendar=calendar, paused_since=None
    )
    weights = dict(Ticket.objects.filter(pk__in=ids).values_list("pk", "priority_weight"))
    return Fixture(
        token=api_token_create(username="bench"),
        mailbox_token=mailbox_token_create(mailbox_id=mailbox.pk),
        escalation_ids=ids,
        priority_weights=weights,
    )


def deadlines_spread(ids: list[int], start: float, duration: float) -> None:
    """Reaction deadlines passing between 10% and 70% of the run, the clock running."""
    from django.utils import timezone

    from deskline.tickets.models import Ticket

    now_wall, now_mono = timezone.now(), time.monotonic()
    rng = random.Random(2)
    for ticket_id in ids:
        at = start + duration * rng.uniform(0.1, 0.7)
        due = now_wall + dt.timedelta(seconds=at - now_mono)
        Ticket.objects.filter(pk=ticket_id).update(
            reaction_due=due, reacted_at=None, reaction_breached=False
        )


def run_jobs(since: Any) -> Any:
    """The job rows of the run: enqueued, run or finished since `since`, or not finished."""
    from django.db.models import Q
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        Q(enqueued_at__gte=since)
        | Q(started_at__gte=since)
        | Q(finished_at__gte=since)
        | Q(status__in=["READY", "RUNNING"])
    )


def queue_state(since: Any) -> dict[str, int]:
    """The run's jobs by status; `due` = ready to run now (not deferred to a later time)."""
    from django.db.models import Count

    rows = run_jobs(since)
    state = dict(rows.values_list("status").annotate(n=Count("id")))
    state["due"] = rows.ready().count()
    return state


def undispatched(since: Any) -> int:
    from deskline.tickets.models import TicketEvent

    return TicketEvent.objects.filter(created_at__gte=since, dispatched_at__isnull=True).count()


def enqueue_path(path: str) -> None:
    from django.utils.module_loading import import_string

    import_string(path).enqueue()


# --- the load --------------------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str
    at: float  # monotonic start
    ms: float
    status: int | None  # None: no HTTP answer (connection dropped, reset, refused)
    error: str = ""


@dataclass
class Ledger:
    """What the clients saw: every request's outcome, and which markers were accepted."""

    outcomes: list[Outcome] = field(default_factory=list)
    created: set[str] = field(default_factory=set)  # answered 2xx
    create_tried: set[str] = field(default_factory=set)
    mail_new: dict[str, tuple[str, str]] = field(default_factory=dict)  # marker -> sender, msgid
    mail_replies: set[str] = field(default_factory=set)
    mail_tried: set[str] = field(default_factory=set)
    mail_not_processed: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client:
    """One keep-alive connection to the balancer; a dropped connection is reopened."""

    def __init__(self, port: int, ledger: Ledger) -> None:
        self.port, self.ledger = port, ledger
        self.conn: http.client.HTTPConnection | None = None

    def send(
        self, kind: str, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int | None, bytes]:
        started = time.monotonic()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            self._record(Outcome(kind, started, _ms(started), None, type(exc).__name__))
            return None, b""
        error = "" if response.status < 400 else f"HTTP {response.status}"
        self._record(Outcome(kind, started, _ms(started), response.status, error))
        return response.status, data

    def _record(self, outcome: Outcome) -> None:
        with self.ledger.lock:
            self.ledger.outcomes.append(outcome)


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000


def raw_mail(*, sender: str, subject: str, body: str, message_id: str, reply_to: str = "") -> bytes:
    lines = [
        f"From: Scale-out client <{sender}>",
        "To: support@scaleout.example",
        f"Subject: {subject}",
        f"Message-ID: <{message_id}>",
        f"Date: {format_datetime(dt.datetime.now().astimezone())}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
    ]
    if reply_to:
        lines += [f"In-Reply-To: <{reply_to}>", f"References: <{reply_to}>"]
    return ("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n").encode()


def client_loop(
    number: int, port: int, fixture: Fixture, run: str, stop_at: float, ledger: Ledger
) -> None:
    rng = random.Random(number)
    client = Client(port, ledger)
    api = {"Authorization": f"Bearer {fixture.token}", "Content-Type": "application/json"}
    mail_headers = {"X-Mailbox-Token": fixture.mailbox_token, "Content-Type": "message/rfc822"}
    seq = 0
    while time.monotonic() < stop_at:
        seq += 1
        roll = rng.random()
        if roll < 0.45:
            marker = f"so-{run}-c{number}-{seq}"
            with ledger.lock:
                ledger.create_tried.add(marker)
            body = json.dumps({"title": f"Scale-out {marker}", "description": "load"}).encode()
            status, _ = client.send("create", "POST", "/api/v1/tickets", body, api)
            if status is not None and 200 <= status < 300:
                with ledger.lock:
                    ledger.created.add(marker)
        elif roll < 0.75:
            client.send("list", "GET", "/api/v1/tickets?limit=50&sort=-updated", None, api)
        else:
            marker = f"so-{run}-m{number}-{seq}"
            with ledger.lock:
                earlier = list(ledger.mail_new.items())
            if earlier and rng.random() < 0.3:
                original, (sender, original_id) = rng.choice(earlier)
                raw = raw_mail(
                    sender=sender,
                    subject=f"Re: Mail {original}",
                    body=f"Reply {marker}",
                    message_id=f"{marker}@client.example",
                    reply_to=original_id,
                )
                kind, sender_id = "mail reply", (sender, "")
            else:
                sender = f"{marker}@client{number}.example"
                raw = raw_mail(
                    sender=sender,
                    subject=f"Mail {marker}",
                    body=f"Request {marker}",
                    message_id=f"{marker}@client.example",
                )
                kind, sender_id = "mail new", (sender, f"{marker}@client.example")
            with ledger.lock:
                ledger.mail_tried.add(marker)
            for _attempt in range(5):  # the same message again: its Message-ID makes it safe
                status, data = client.send(
                    kind, "POST", "/api/v1/channels/mail/inbound", raw, mail_headers
                )
                if status == 202:
                    outcome = json.loads(data)
                    with ledger.lock:
                        if outcome["status"] != "processed":
                            ledger.mail_not_processed.append(f"{marker}: {outcome}")
                        elif kind == "mail new":
                            ledger.mail_new[marker] = sender_id
                        else:
                            ledger.mail_replies.add(marker)
                    break
                time.sleep(0.2)


# --- the run ---------------------------------------------------------------------------------


def wait_idle(since: Any, timeout: float, sweep_every: float = 10.0) -> float:
    """Wait until no job is due or running and every event is dispatched, enqueueing the event
    sweeper meanwhile (the scheduler does every minute); the seconds waited."""
    started = last_sweep = time.monotonic()
    while time.monotonic() - started < timeout:
        state = queue_state(since)
        if not state["due"] and not state.get("RUNNING") and not undispatched(since):
            return time.monotonic() - started
        if time.monotonic() - last_sweep >= sweep_every:
            enqueue_path("deskline.tickets.tasks.ticket_events_sweep")
            last_sweep = time.monotonic()
        time.sleep(1)
    return time.monotonic() - started


def settle(since: Any, timeout: float = 240.0) -> float:
    """Wait for the scheduler's first round (every periodic job at once, some heavy) to be
    enqueued and run, so that it does not land in the measured run; the seconds waited."""
    from django_tasks_db.models import DBTaskResult

    from deskline.core.schedule import PERIODIC

    started = time.monotonic()
    while DBTaskResult.objects.filter(enqueued_at__gte=since).count() < len(PERIODIC):
        if time.monotonic() - started > 60:
            break
        time.sleep(0.5)
    return (time.monotonic() - started) + wait_idle(since, timeout)


def kill_busy_worker(machines: Machines, wait: float = 15.0) -> str:
    """SIGKILL worker 1, when both workers hold a job if that happens within `wait` s."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    def running() -> list[str]:
        """Jobs running for a while (so still running at the kill), none left by a dead run."""
        now = timezone.now()
        rows = DBTaskResult.objects.filter(
            status="RUNNING",
            started_at__gte=now - dt.timedelta(minutes=1),
            started_at__lte=now - dt.timedelta(seconds=0.3),
        )
        return [path.rsplit(".", 1)[1] for path in rows.values_list("task_path", flat=True)]

    deadline = time.monotonic() + wait
    while len(running()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    busy = running()
    kill_group(machines.workers[0])
    return f"worker 1 killed while the two workers ran {busy or 'nothing'}"


@dataclass
class Chaos:
    kill_at: float = 0.0
    notes: list[str] = field(default_factory=list)


def chaos(machines: Machines, start: float, args: argparse.Namespace, record: Chaos) -> None:
    time.sleep(max(0.0, start + args.duration / 2 - time.monotonic()))
    record.kill_at = time.monotonic()
    kill_group(machines.web[0])
    record.notes.append(f"web server 1 killed at {record.kill_at - start:.1f} s")
    record.notes.append(kill_busy_worker(machines))
    if args.restart_after < 0:
        return
    time.sleep(args.restart_after)
    machines.workers[0] = machines.start_worker(1)
    try:
        machines.web[0] = machines.start_web(0)
    except SystemExit as exc:  # the run goes on with one web server
        record.notes.append(f"web server 1 not restarted: {exc}")
        return
    record.notes.append(f"both restarted at {time.monotonic() - start:.1f} s")


def sla_clock(stop_at: float, every: float) -> None:
    from django.db import connection

    while time.monotonic() < stop_at:
        enqueue_path("deskline.sla.tasks.sla_tick")
        time.sleep(every)
    connection.close()


# --- the checks ------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


MARKER = re.compile(r"so-[0-9a-f]+-[cm]\d+-\d+")


def _markers(texts: Iterator[str]) -> Counter[str]:
    return Counter(m for text in texts for m in MARKER.findall(text))


def check_creates(ledger: Ledger, run: str) -> Check:
    from deskline.tickets.models import Ticket

    titles = Ticket.objects.filter(title__startswith=f"Scale-out so-{run}-c").values_list(
        "title", flat=True
    )
    stored = _markers(iter(titles))
    missing = ledger.created - set(stored)
    twice = [m for m, n in stored.items() if n > 1]
    unknown = set(stored) - ledger.created  # stored although the client saw an error
    detail = (
        f"{len(ledger.created)} accepted, {len(ledger.create_tried) - len(ledger.created)} "
        f"failed ({len(unknown)} of those stored anyway), {len(missing)} accepted but missing, "
        f"{len(twice)} stored twice"
    )
    return Check("creates stored once", not missing and not twice, detail)


def check_mail(ledger: Ledger, run: str) -> Check:
    from deskline.channels.models import InboundMessage
    from deskline.tickets.models import Comment, Ticket

    titles = Ticket.objects.filter(title__startswith=f"Mail so-{run}-m").values_list(
        "title", flat=True
    )
    tickets = _markers(iter(titles))
    bodies = Comment.objects.filter(body__contains=f"Reply so-{run}-m").values_list(
        "body", flat=True
    )
    comments = _markers(iter(bodies))
    messages = Counter(
        m.split("@")[0]
        for m in InboundMessage.objects.filter(
            message_key__startswith=f"so-{run}-m", status="processed"
        ).values_list("message_key", flat=True)
    )
    missing = [m for m in ledger.mail_new if tickets[m] != 1 or messages[m] != 1]
    missing += [m for m in ledger.mail_replies if comments[m] != 1 or messages[m] != 1]
    twice = [m for m, n in (tickets + comments).items() if n > 1]
    unprocessed = ledger.mail_not_processed
    detail = (
        f"{len(ledger.mail_new)} new + {len(ledger.mail_replies)} replies accepted "
        f"({len(ledger.mail_tried)} sent), {len(missing)} not exactly once, {len(twice)} twice, "
        f"{len(unprocessed)} not processed{': ' + unprocessed[0] if unprocessed else ''}"
    )
    return Check("mail stored once", not missing and not twice and not unprocessed, detail)


def check_escalations(fixture: Fixture) -> Check:
    from django.db.models import Count, Q

    from deskline.tickets.models import Ticket, TicketEvent

    due = list(
        Ticket.objects.filter(pk__in=fixture.escalation_ids, reaction_breached=True).values_list(
            "pk", "priority_weight"
        )
    )
    counts = {
        row["ticket_id"]: row
        for row in TicketEvent.objects.filter(ticket_id__in=fixture.escalation_ids)
        .values("ticket_id")
        .annotate(
            breached=Count("id", filter=Q(kind="sla_breached", data__deadline="reaction")),
            warned=Count("id", filter=Q(kind="sla", data__source="step")),
            raised=Count("id", filter=Q(kind="updated")),
        )
    }
    wrong = []
    for ticket_id, weight in due:
        row = counts.get(ticket_id, {})
        once = row.get("breached") == 1 and row.get("warned") == 1 and row.get("raised") == 1
        if not once or weight <= fixture.priority_weights[ticket_id]:
            wrong.append(f"#{ticket_id}: {row}")
    not_fired = len(fixture.escalation_ids) - len(due)
    detail = (
        f"{len(due)} of {len(fixture.escalation_ids)} deadlines (all passed during the run) "
        f"breached, {len(wrong)} not escalated exactly once{': ' + wrong[0] if wrong else ''}"
    )
    return Check("escalations fired once", not wrong and not_fired == 0, detail)


def check_jobs(since: Any) -> Check:
    state = queue_state(since)
    rows = run_jobs(since)
    reclaimed = sum(1 for ids in rows.values_list("worker_ids", flat=True) if len(ids) > 1)
    left = undispatched(since)
    stuck = state.get("RUNNING", 0) + state["due"] + state.get("FAILED", 0)
    detail = (
        f"{sum(v for k, v in state.items() if k.isupper())} jobs: "
        + ", ".join(f"{k.lower()} {v}" for k, v in sorted(state.items()) if k.isupper())
        + f"; {reclaimed} claimed twice (a worker died running them); {left} events undispatched"
    )
    return Check("jobs finished once", not stuck and not left, detail)


# --- report ----------------------------------------------------------------------------------


def report(ledger: Ledger, seconds: float, record: Chaos) -> None:
    print(f"\n{'kind':<12}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    kinds = sorted({o.kind for o in ledger.outcomes})
    for kind in [*kinds, "all"]:
        rows = [o for o in ledger.outcomes if kind in ("all", o.kind)]
        ok = sorted(o.ms for o in rows if o.status is not None and o.status < 400) or [0.0]
        errors = sum(1 for o in rows if o.error)
        p99 = ok[min(len(ok) - 1, int(len(ok) * 0.99))]
        print(
            f"{kind:<12}{len(rows):>10}{len(rows) / seconds:>9.1f}"
            f"{statistics.median(ok):>9.1f}{p99:>9.1f}{errors:>8}"
        )
    for note in record.notes:
        print(note)
    near = [o for o in ledger.outcomes if o.error and abs(o.at - record.kill_at) < 10]
    far = [o for o in ledger.outcomes if o.error and abs(o.at - record.kill_at) >= 10]
    seen = Counter(f"{o.kind}: {o.error}" for o in near)
    print(f"errors within 10 s of the kill: {len(near)} ({dict(seen)}); elsewhere: {len(far)}"
          + (f" ({dict(Counter(f'{o.kind}: {o.error}' for o in far))})" if far else ""))  # fmt: skip


def run(args: argparse.Namespace) -> int:
    env = settings_env(args)
    seed(args, env)
    os.environ.update(env)
    import django

    django.setup()
    from django.utils import timezone

    fixture = prepare(args.escalations)
    settle_since = timezone.now()
    machines = Machines(env, [_free_port(), _free_port()], args.web_threads)
    machines.start()
    balancer_port = _free_port()
    balancer = start_balancer(balancer_port, [("127.0.0.1", p) for p in machines.web_ports])
    try:
        waited = settle(settle_since)
        print(f"layout up; the scheduler's first round settled in {waited:.0f} s", flush=True)
        since = timezone.now()
        run_id = uuid.uuid4().hex[:8]
        ledger, record = Ledger(), Chaos()
        start = time.monotonic()
        stop_at = start + args.duration
        deadlines_spread(fixture.escalation_ids, start, args.duration)
        threads = [
            threading.Thread(
                target=client_loop, args=(i, balancer_port, fixture, run_id, stop_at, ledger)
            )
            for i in range(args.clients)
        ]
        threads.append(threading.Thread(target=sla_clock, args=(stop_at, args.sla_every)))
        killer = threading.Thread(target=chaos, args=(machines, start, args, record))
        for thread in [*threads, killer]:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - start
        killer.join()
        enqueue_path("deskline.sla.tasks.sla_tick")  # the deadlines that passed at the very end
        drained = wait_idle(since, timeout=args.drain_timeout)
        print(f"\n{args.clients} clients for {seconds:.0f} s through the balancer; queue drained "
              f"{drained:.0f} s after the end")  # fmt: skip
        report(ledger, seconds, record)
        checks = [
            check_creates(ledger, run_id),
            check_mail(ledger, run_id),
            check_escalations(fixture),
            check_jobs(since),
        ]
    finally:
        balancer.terminate()
        machines.stop()
    print()
    for check in checks:
        print(f"{'PASS' if check.ok else 'FAIL'}  {check.name}: {check.detail}")
    return 0 if all(check.ok for check in checks) else 1


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--balance":
        backends = [(h, int(p)) for h, p in (spec.rsplit(":", 1) for spec in sys.argv[3:])]
        asyncio.run(_balance(int(sys.argv[2]), backends))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=5_000)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/deskline_scaleout"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--data-dir", default=str(ROOT / "var" / "bench" / "scaleout"))
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--web-threads", type=int, default=4)
    parser.add_argument("--escalations", type=int, default=100)
    parser.add_argument("--sla-every", type=float, default=5.0)
    parser.add_argument(
        "--restart-after", type=float, default=5.0, help="seconds; negative: do not restart"
    )
    parser.add_argument("--drain-timeout", type=float, default=240.0)
    parser.add_argument("--reuse", action="store_true", help="do not recreate and seed the DB")
    args = parser.parse_args()
    print(f"command: python bench/scaleout.py {' '.join(sys.argv[1:])}")
    print(machine_speed(), flush=True)
    sys.exit(run(args))


if __name__ == "__main__":
    main()
