"""Kill the intake worker (SIGKILL) mid-batch, restart it: every message processed exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from deskline.channels.models import InboundMessage, Mailbox
from deskline.tickets.models import Ticket
from tests.channels.conftest import make_raw

BATCH = 500
KILL_AFTER = 120


def _database_url() -> str:
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    auth = params["USER"] + (f":{params['PASSWORD']}" if params.get("PASSWORD") else "")
    return f"postgres://{auth}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"


def _worker(folder: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "deskline.settings",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "django", "mail_ingest", str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_worker_restarted_twice_over_processes_every_message_exactly_once(tmp_path):
    Mailbox.objects.create(name="default", rate_limit=0)
    for i in range(BATCH):
        raw = make_raw(
            sender=f"client{i % 50}@client.example",
            subject=f"message {i:03d}",
            message_id=f"<batch-{i}@client.example>",
        )
        (tmp_path / f"{i:03d}.eml").write_bytes(raw)

    first = _worker(tmp_path)
    assert first.stdout is not None
    for _ in range(KILL_AFTER):
        assert first.stdout.readline(), "the worker stopped before it was killed"
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    assert first.returncode == -signal.SIGKILL
    done_before = InboundMessage.objects.filter(status="processed").count()
    assert KILL_AFTER <= done_before < BATCH

    # Two workers at once over the whole batch again: the restart and a concurrent one.
    workers = [_worker(tmp_path), _worker(tmp_path)]
    outputs = [w.communicate(timeout=300)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0]
    assert all(len(out.splitlines()) == BATCH for out in outputs)

    assert InboundMessage.objects.count() == BATCH
    assert InboundMessage.objects.filter(status="processed").count() == BATCH
    titles = list(Ticket.objects.values_list("title", flat=True))
    assert sorted(titles) == [f"message {i:03d}" for i in range(BATCH)]
    assert not InboundMessage.objects.filter(ticket__isnull=True).exists()
