"""Memory benchmark: resident memory of a web worker and of the task worker under a mixed load,
and the peak of the demo loader at two sizes (it must stream: the peak must not grow with N).

1. It seeds (or with `--reuse` keeps) a database of `--tickets` tickets like bench/api.py, starts
   the web server as `deskline run` does (`--web-workers` processes) and `deskline worker`, and
   drives a mixed API load (creates, ticket pages, first and deep list pages, text searches) for
   `--duration` seconds. Every few seconds it samples each web worker's and the task worker's
   RSS; it prints the RSS after the warm-up, the peak and the last sample.
2. It runs `deskline demo --tickets N` into a fresh database for each of `--demo-sizes` and
   prints the loader's peak RSS (the child's ru_maxrss).

    python bench/memory.py --database-url sqlite:////tmp/m.sqlite3 --tickets 100000 --duration 600
    python bench/memory.py --reuse --duration 60 --demo-sizes 20000 200000      # PostgreSQL
    python bench/memory.py --skip-load --demo-sizes 20000 200000                 # loader only

Targets (issue 22): a web worker under 200 MB after 10 minutes, the task worker under 150 MB,
the loader's peak flat in N. Nothing here is part of the test suite; it only prints figures.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api import (  # noqa: E402  (bench/ is a folder of scripts, not a package)
    PYTHON,
    Request,
    _env,
    _free_port,
    _prepare,
    _recreate_database,
    _scenarios,
    _start_server,
    _tree,
    add_server_arguments,
    database_for,
    drive,
    machine_speed,
)

#: How often each scenario comes up in the mixed load (an agent's day: mostly reading).
MIX = {"get": 4, "list first page": 3, "text search": 2, "create": 1, "list deep page": 1}
SAMPLE_SECONDS = 2.0
WARM_UP_SECONDS = 10.0


def rss_mb(pid: int) -> float:
    """Resident memory of one process in MB (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass
class Track:
    """RSS samples of one process: after the warm-up, the peak, the last."""

    name: str
    warm: float = 0.0
    peak: float = 0.0
    last: float = 0.0
    samples: list[float] = field(default_factory=list)

    def add(self, value: float, warmed: bool) -> None:
        if value <= 0:
            return
        self.samples.append(value)
        self.peak, self.last = max(self.peak, value), value
        if warmed and not self.warm:
            self.warm = value

    def row(self, limit: float) -> str:
        verdict = "ok" if self.peak < limit else f"OVER {limit:.0f} MB"
        return (f"{self.name:<26}{self.warm:>10.1f}{self.peak:>10.1f}{self.last:>10.1f}"
                f"{limit:>10.0f}  {verdict}")  # fmt: skip


def sample_until(stop: threading.Event, tracks: dict[int, Track], started: float) -> None:
    while not stop.wait(SAMPLE_SECONDS):
        warmed = time.monotonic() - started > WARM_UP_SECONDS
        for pid, track in tracks.items():
            track.add(rss_mb(pid), warmed)


def mixed(scenarios: dict[str, Callable[[random.Random], Request]]) -> Callable[..., Request]:
    names = [name for name, weight in MIX.items() for _ in range(weight)]

    def make(rng: random.Random) -> Request:
        return scenarios[rng.choice(names)](rng)

    return make


def web_and_worker(args: argparse.Namespace) -> None:
    env = database_for(args, args.tickets)
    fixture = _prepare(env)
    port = _free_port()
    server = _start_server(env, port, args.web_workers, args.web_threads)
    worker = subprocess.Popen(
        [PYTHON, "-m", "deskline.cli", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # a log line per task
    )
    try:
        web_pids = [pid for pid in _tree(server.pid) if pid != server.pid]
        tracks = {pid: Track(f"web worker {n}") for n, pid in enumerate(web_pids, 1)}
        tracks[worker.pid] = Track("deskline worker")
        stop, started = threading.Event(), time.monotonic()
        sampler = threading.Thread(target=sample_until, args=(stop, tracks, started))
        sampler.start()
        headers = {"Authorization": f"Bearer {fixture.token}", "Content-Type": "application/json"}
        result = drive("mixed load", port, headers, args.clients, args.duration,
                       mixed(_scenarios(fixture)), server.pid)  # fmt: skip
        time.sleep(SAMPLE_SECONDS * 2)  # the worker catches up with the last creates
        stop.set()
        sampler.join()
        print(f"\n{args.tickets:,} tickets, {args.clients} clients, {args.web_workers} web "
              f"processes, {args.duration:.0f} s of mixed load: {result.requests:,} requests "
              f"({result.requests / result.seconds:.0f}/s), {result.errors} errors")  # fmt: skip
        print(f"{'process':<26}{'RSS warm':>10}{'peak':>10}{'last':>10}{'limit':>10}  (MB)")
        for pid, track in tracks.items():
            print(track.row(150 if pid == worker.pid else 200))
    finally:
        worker.send_signal(signal.SIGTERM)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        worker.wait(timeout=30)


def _demo_database(args: argparse.Namespace, size: int, template: Path | None) -> str:
    """A fresh, migrated database for the loader run of `size` tickets; its URL."""
    if args.database_url.startswith("sqlite"):
        assert template is not None
        path = template.parent / f"demo_{size}.sqlite3"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    url = f"{args.database_url}_demo_{size}"
    _recreate_database(url)
    return url


def peak_rss_mb(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Run `command`; its peak RSS in MB (ru_maxrss), the seconds it took, its exit code."""
    started = time.monotonic()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    threading.Thread(target=child.stderr.read, daemon=True).start()  # the progress bar
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024, time.monotonic() - started, child.returncode


def demo_loader(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="deskline-memory-"))
    try:
        template = None
        if args.database_url.startswith("sqlite"):
            template = folder / "template.sqlite3"
            env = _env(f"sqlite:///{template}", folder)
            subprocess.run([PYTHON, "-m", "deskline.cli", "manage", "migrate", "-v", "0"],
                           env=env, check=True)  # fmt: skip
        print(f"\n{'demo loader':<26}{'peak RSS MB':>12}{'seconds':>10}")
        for size in args.demo_sizes:
            url = _demo_database(args, size, template)
            env = _env(url, folder / str(size))
            command = [PYTHON, "-m", "deskline.cli", "demo", "--tickets", str(size), "--seed", "1"]
            peak, seconds, code = peak_rss_mb(command, env)
            failed = f"  (exit code {code})" if code else ""
            print(f"{f'--tickets {size:,}':<26}{peak:>12.1f}{seconds:>10.0f}{failed}", flush=True)
            if not url.startswith("sqlite"):
                _drop(url)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _drop(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=100_000)
    add_server_arguments(parser)
    parser.add_argument("--duration", type=float, default=120.0)
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    parser.add_argument("--skip-load", action="store_true", help="only the demo loader")
    parser.add_argument("--demo-sizes", type=int, nargs="*", default=[20_000, 200_000])
    args = parser.parse_args()
    print(f"command: python bench/memory.py {' '.join(sys.argv[1:])}")
    print(machine_speed(), flush=True)
    if not args.skip_load:
        web_and_worker(args)
    if args.demo_sizes:
        demo_loader(args)


if __name__ == "__main__":
    main()
