"""The `deskline` command: run the service, run workers, make API tokens and demo data, manage.

`deskline run` migrates the database and makes sure an administrator exists in this process,
then starts the web server (granian), the task worker and the periodic-job scheduler as
children and supervises them: Ctrl-C or SIGTERM stops them all cleanly; if one dies, the
others are stopped and the command fails.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

SETTINGS = "deskline.settings"
STOP_TIMEOUT = 10.0  # seconds a child gets to stop after SIGTERM before it is killed


class NoDatabase(Exception):
    """A command that needs an installed database found none; the message says what to run."""


def _setup(*, install: bool = True) -> Path:
    """Point Django at our settings and set Django up; the data folder.

    `install` (run, demo, restore, manage): create the data folder if needed. Other commands
    work on an existing installation and refuse, naming the folder and the database they looked
    at, rather than creating an empty one as a side effect.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    from deskline.core.env import data_dir, database_url_given

    folder = data_dir()
    if install:
        folder.mkdir(parents=True, exist_ok=True)
    elif not database_url_given() and not folder.is_dir():
        raise NoDatabase(_no_database(folder, str(folder / "deskline.sqlite3")))
    import django

    django.setup()
    if not install:
        _require_migrated(folder)
    return folder


def _no_database(folder: Path, database: str) -> str:
    return (
        f"no Deskline database here: data folder {folder}, database {database}. "
        "Run `deskline run` in the folder where you installed it (or set DESKLINE_DATA_DIR / "
        "DATABASE_URL to it); for a new installation, `deskline run` or "
        "`deskline manage migrate` creates the database."
    )


def _require_migrated(folder: Path) -> None:
    from django.db import connection
    from django.db.utils import OperationalError

    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and not Path(name).is_file():  # connecting would create it
        raise NoDatabase(_no_database(folder, name))
    try:
        tables = connection.introspection.table_names()
    except OperationalError as exc:
        raise NoDatabase(f"cannot reach the database: {exc}") from exc
    if "django_migrations" not in tables:
        raise NoDatabase(_no_database(folder, str(connection.settings_dict["NAME"])))


def _say(message: str) -> None:
    print(message, flush=True)


def _fail(message: str) -> int:
    print(f"deskline: {message}", file=sys.stderr, flush=True)
    return 1


def migrate_quietly() -> None:
    """Apply pending migrations with one line of output instead of one per migration."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not pending:
        _say("Database schema is up to date.")
        return
    _say(f"Applying {len(pending)} database migrations…")
    call_command("migrate", interactive=False, verbosity=0)
    _say("Database migrated.")


# --- child processes -------------------------------------------------------------------------


class Supervisor:
    """Child processes that live and die together with this one."""

    def __init__(self) -> None:
        self.children: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.stop_requested = False
        # From now until run() returns, Ctrl-C and SIGTERM mean "stop the children".
        self.previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)
        }

    def start(self, name: str, command: list[str], env: dict[str, str]) -> None:
        # Own process group: a terminal's Ctrl-C reaches only us, and we stop the children in order.
        process = subprocess.Popen(command, env=env, process_group=0)  # noqa: S603
        self.children.append((name, process))

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stop_requested = True

    def run(self) -> int:
        """Wait for a stop signal (exit 0) or a child's death (exit non-zero); stop the rest."""
        try:
            while not self.stop_requested:
                for name, process in self.children:
                    code = process.poll()
                    if code is not None:
                        print(
                            f"deskline: {name} exited with code {code}; stopping", file=sys.stderr
                        )
                        self.stop()
                        return code or 1
                time.sleep(0.1)
            _say("Stopping…")
            self.stop()
            return 0
        finally:
            for sig, handler in self.previous.items():
                signal.signal(sig, handler)

    def stop(self) -> None:
        """SIGTERM to every child, a grace period, then SIGKILL to whatever is left."""
        for _, process in self.children:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for _, process in self.children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            if process.poll() is None:
                # Still alive, so the group is still ours: take its workers down with it.
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def child_env(folder: Path) -> dict[str, str]:
    """The environment for children: the same settings, data folder and import path."""
    import deskline

    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = os.environ.get("DJANGO_SETTINGS_MODULE", SETTINGS)
    env["DESKLINE_DATA_DIR"] = str(folder)
    env["PYTHONUNBUFFERED"] = "1"
    source = str(Path(deskline.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (source, env.get("PYTHONPATH", "")) if p)
    return env


def metrics_folder(folder: Path) -> Path:
    """A fresh folder where the web processes of this run share their request metrics."""
    path = folder / "metrics"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def web_server_command(
    host: str, port: int, workers: int, threads: int = 4, *, access_log: bool = True
) -> list[str]:
    """Granian serving the WSGI application: `workers` processes, each running requests on
    `threads` threads while its Rust runtime does the HTTP work outside the GIL (about half
    the per-request CPU of gunicorn's gthread worker, measured with bench/api.py)."""
    return [
        sys.executable, "-m", "granian", "--interface", "wsgi", "deskline.wsgi:application",
        "--host", host, "--port", str(port), "--workers", str(workers),
        "--blocking-threads", str(threads), "--no-ws",
        "--access-log" if access_log else "--no-access-log",
        "--respawn-failed-workers", "--workers-kill-timeout", "5",
    ]  # fmt: skip


def worker_command() -> list[str]:
    return [sys.executable, "-m", "django", "db_worker", "--no-reload"]


def scheduler_command() -> list[str]:
    return [sys.executable, "-m", "deskline.cli", "scheduler"]


def telegram_poll_command() -> list[str]:
    # The task worker sends the outbox; the poller only receives.
    return [sys.executable, "-m", "deskline.cli", "telegram", "poll", "--no-send"]


def telegram_polling() -> bool:
    """Whether an active Telegram bot takes its updates by long polling."""
    from deskline.channels.telegram import bots_to_poll

    return any(True for _ in bots_to_poll())


# --- subcommands -----------------------------------------------------------------------------


def port_taken(host: str, port: int) -> bool:
    """Whether something already listens on (host, port): a second `deskline run` would
    otherwise share the port with the first (the web server binds with SO_REUSEPORT)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def cmd_run(args: argparse.Namespace) -> int:
    if port_taken(args.host, args.port):
        return _fail(
            f"port {args.port} on {args.host} is already in use (another `deskline run`?); "
            f"stop it, or choose another port with --port, e.g. --port {args.port + 1}"
        )
    folder = _setup()
    from django.conf import settings
    from django.db import connections

    from deskline.accounts.services import admin_ensure_first

    _say(f"Data folder: {folder}")
    if not args.no_migrate:
        migrate_quietly()
    admin = admin_ensure_first(
        username=settings.DESKLINE_ADMIN_USERNAME or None,
        password=settings.DESKLINE_ADMIN_PASSWORD or None,
    )
    _say(f"Admin login: {admin.username}")
    if admin.password:
        _say(f"Initial admin password: {admin.password}  (shown only now: change it after signing "
             f"in; a lost one is reset with `deskline manage changepassword {admin.username}`)")  # fmt: skip
    poll_telegram = telegram_polling()
    connections.close_all()  # the children open their own
    env = child_env(folder)
    env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_folder(folder))
    supervisor = Supervisor()
    supervisor.start("web server", web_server_command(args.host, args.port, args.web_workers), env)
    supervisor.start("task worker", worker_command(), env)
    supervisor.start("scheduler", scheduler_command(), env)
    if poll_telegram:
        supervisor.start("telegram poller", telegram_poll_command(), env)
    shown = "localhost" if args.host in ("0.0.0.0", "::") else args.host  # noqa: S104
    base = f"http://[{shown}]:{args.port}" if ":" in shown else f"http://{shown}:{args.port}"
    _say(f"Deskline is running at {base}/  (admin: {base}/admin/, API: {base}/api/v1/docs)")
    _say("Press Ctrl-C to stop.")
    return supervisor.run()


def cmd_worker(args: argparse.Namespace) -> int:
    folder = _setup(install=False)
    if args.processes == 1:
        from django.core.management import call_command

        call_command("db_worker", reload=False)
        return 0
    supervisor = Supervisor()
    env = child_env(folder)
    for n in range(1, args.processes + 1):
        supervisor.start(f"worker {n}", worker_command(), env)
    _say(f"Started {args.processes} task workers. Press Ctrl-C to stop.")
    return supervisor.run()


def cmd_scheduler(args: argparse.Namespace) -> int:
    _setup(install=False)
    from deskline.core.schedule import run_forever

    _say("Scheduler: enqueueing mail polling, outbox, SLA escalation and time triggers.")
    try:
        run_forever()
    except KeyboardInterrupt:
        return 0
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    _setup(install=False)
    from deskline.accounts.services import api_token_create
    from deskline.core.errors import NotFound

    try:
        token = api_token_create(username=args.username, name=args.name)
    except NotFound as exc:
        return _fail(exc.message)
    print(token)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _setup()
    from tqdm import tqdm

    from deskline.core.statistics import statistics_after_load
    from deskline.demo.generate import demo_generate
    from deskline.demo.store import DemoSetupError

    migrate_quietly()
    print("Preparing reference data, staff and clients…", file=sys.stderr, flush=True)
    with tqdm(total=args.tickets, unit="ticket", file=sys.stderr, unit_scale=True) as bar:
        try:
            summary = demo_generate(
                tickets=args.tickets,
                seed=args.seed,
                users_password=args.users_password,
                batch_size=args.batch_size,
                progress=bar.update,
            )
        except DemoSetupError as exc:
            return _fail(str(exc))
    if not args.no_reports:
        from deskline.analytics.services import stats_rebuild
        from deskline.tickets.models import Ticket

        print("Building the reports' daily rows…", file=sys.stderr, flush=True)
        with tqdm(
            total=Ticket.objects.count(), unit="ticket", file=sys.stderr, unit_scale=True
        ) as bar:
            stats_rebuild(progress=bar.update)
    print("Refreshing the database's statistics…", file=sys.stderr, flush=True)
    statistics_after_load()
    numbers = f" #{summary.first_number}–#{summary.last_number}" if summary.tickets else ""
    _say(
        f"Created {summary.tickets:,} demo tickets{numbers} with {summary.comments:,} comments and "
        f"{summary.events:,} events in {summary.seconds:.1f} s "
        f"({summary.tickets_per_second:,.0f} tickets/s); seed {summary.seed}."
    )
    _say(f"Demo companies: {summary.companies:,} ({summary.companies_created:,} new).")
    shown = summary.showcase
    _say(f"Field service: {shown.engineers} engineers, {shown.waiting} tickets needing a visit, "
         f"{shown.visits} planned today; billing: {shown.prices} prices, {shown.packages} hour "
         f"packages; knowledge: {shown.articles} articles; maintenance: {shown.plans} plan.")  # fmt: skip
    from deskline.demo.store import demo_logins

    _say("Demo logins:")
    for role, username, where in demo_logins():
        _say(f"  {role:<16} {username:<34} {where}")
    if args.users_password:
        _say(f"Their password: {args.users_password}")
    else:
        _say("They have no password: rerun with --users-password on a fresh database, or set one "
             "with `deskline manage changepassword <login>`.")  # fmt: skip
    return 0


def cmd_manage(argv: Sequence[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["deskline manage", *argv])
    return 0


# --- the parser ------------------------------------------------------------------------------


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _port(text: str) -> int:
    value = int(text)
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError(f"not a TCP port: {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="deskline", description="Deskline help desk.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="migrate, then serve the web app and run the task worker")
    run.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    run.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000)")
    run.add_argument(
        "--web-workers", type=_positive, default=2, help="web server processes (default 2)"
    )
    run.add_argument(
        "--no-migrate", action="store_true", help="skip migrations (run them once elsewhere)"
    )
    run.set_defaults(handler=cmd_run)

    worker = commands.add_parser("worker", help="run background task workers in the foreground")
    worker.add_argument(
        "--processes", type=_positive, default=1, help="worker processes (default 1)"
    )
    worker.set_defaults(handler=cmd_worker)

    scheduler = commands.add_parser(
        "scheduler", help="enqueue periodic jobs (mail polling, SLA escalation, ...) on a timer"
    )
    scheduler.set_defaults(handler=cmd_scheduler)

    token = commands.add_parser("token", help="API tokens")
    token_commands = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    create = token_commands.add_parser("create", help="create a token for a user and print it")
    create.add_argument("username")
    create.add_argument("--name", default="", help="a label to recognise the token by")
    create.set_defaults(handler=cmd_token_create)

    demo = commands.add_parser("demo", help="create realistic demo data")
    demo.add_argument(
        "--tickets", type=_positive, default=1000, help="tickets to create (default 1000)"
    )
    demo.add_argument("--seed", type=int, default=None, help="random seed, for the same data again")
    demo.add_argument("--users-password", default=None, help="password for the new demo logins")
    demo.add_argument("--batch-size", type=_positive, default=5000, help=argparse.SUPPRESS)
    demo.add_argument(
        "--no-reports", action="store_true",
        help="skip rebuilding the reports' daily rows (`deskline analytics rebuild` does it later)",
    )  # fmt: skip
    demo.set_defaults(handler=cmd_demo)

    commands.add_parser(
        "manage", help="Django management commands (deskline manage help)", add_help=False
    )
    mail = commands.add_parser("mail", help="mail intake: ingest FILE..., poll [--loop]")
    mail.add_argument("action", choices=sorted(PASS_THROUGH["mail"]))
    commands.add_parser("smtpd", help="SMTP listener feeding mail intake", add_help=False)
    telegram = commands.add_parser("telegram", help="Telegram: poll (long polling, until stopped)")
    telegram.add_argument("action", choices=sorted(PASS_THROUGH["telegram"]))
    sandbox = commands.add_parser(
        "sandbox", help="a copy where nothing is sent: create, run, remove"
    )
    sandbox.add_argument("action", choices=sorted(PASS_THROUGH["sandbox"]))
    export = commands.add_parser("export", help="export company ID FILE: a company's data as ZIP")
    export.add_argument("what", choices=sorted(PASS_THROUGH["export"]))
    commands.add_parser("config", help="config export FILE | import FILE [--apply]", add_help=False)
    commands.add_parser("import", help="import KIND FILE [--dry-run]: CSV or XLSX", add_help=False)
    commands.add_parser(
        "migrate-from", help="migrate-from SYSTEM …: tickets from another help desk", add_help=False
    )
    commands.add_parser("backup", help="backup FILE: database and uploads, checked", add_help=False)
    commands.add_parser("restore", help="restore FILE into an empty installation", add_help=False)
    commands.add_parser("sla", help="SLA jobs: escalate [--loop], calibration", add_help=False)
    commands.add_parser(
        "analytics", help="analytics rebuild: recompute the report aggregates", add_help=False
    )
    from deskline.triage.commands import add_parser as add_triage

    add_triage(commands)
    return parser


#: Commands that hand their arguments to a Django management command.
PASS_THROUGH = {
    "mail": {"ingest": "mail_ingest", "poll": "mail_poll"},
    "telegram": {"poll": "telegram_poll"},
    "sla": {"escalate": "sla_escalate", "calibration": "sla_calibration"},
    "analytics": {"rebuild": "analytics_rebuild"},
    "export": {"company": "export_company"},
    "sandbox": {"create": "sandbox_create", "run": "sandbox_run", "remove": "sandbox_remove"},
}


def _pass_through(args_list: list[str]) -> list[str] | None:
    """`mail ingest F...` -> `mail_ingest F...`; None when the words name no such command."""
    if args_list[:1] in (["smtpd"], ["backup"], ["restore"]):
        return [*args_list]
    if args_list[:1] == ["import"]:
        return ["import_data", *args_list[1:]]
    if args_list[:1] == ["migrate-from"]:
        return ["migrate_from", *args_list[1:]]
    if args_list[:1] == ["config"]:
        return ["config_transfer", *args_list[1:]]
    actions = PASS_THROUGH.get(args_list[0]) if args_list else None
    if actions and len(args_list) > 1 and args_list[1] in actions:
        return [actions[args_list[1]], *args_list[2:]]
    return None


#: Pass-through commands that work without an installed database.
INSTALLING = frozenset({"restore"})


def cmd_installed(command: list[str]) -> int:
    """A management command on an existing installation (checked first, nothing created)."""
    if command[0] not in INSTALLING:
        _setup(install=False)
    return cmd_manage(command)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["manage"]:
        return _exit_code(cmd_manage, args_list[1:])
    command = _pass_through(args_list)
    if command is not None:
        return _exit_code(cmd_installed, command)
    parser = build_parser()
    if not args_list:  # no command: say what the commands are, one line each
        parser.print_help()
        return 2
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # usage errors (2) and --help (0)
        return exc.code if isinstance(exc.code, int) else 2
    return _exit_code(args.handler, args)


def _exit_code(handler: Any, arg: Any) -> int:
    from deskline.core.env import SettingError

    try:
        return int(handler(arg))
    except SettingError as exc:  # a setting the environment got wrong: say which, no traceback
        return _fail(f"configuration: {exc}")
    except NoDatabase as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:  # Ctrl-C before any child started (e.g. while migrating)
        print(file=sys.stderr)
        return 130
    except SystemExit as exc:  # Django commands and the worker exit this way
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
