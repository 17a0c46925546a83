"""Kill the call intake worker (SIGKILL) mid-batch, run it again twice at once: every call event
is applied once, and each client's missed calls make exactly one callback ticket."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from deskline.channels.phone_models import Call, CallEvent, PhoneSource
from deskline.tickets.models import Comment, Ticket
from tests.channels.test_exactly_once import _database_url
from tests.factories import ContactFactory

CALLS = 120
CLIENTS = 20
KILL_AFTER = 70


def _worker(folder: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": _database_url(),
           "DJANGO_SETTINGS_MODULE": "deskline.settings"}  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "-m", "django", "phone_ingest", "--source", "pbx", str(folder)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_worker_restarted_twice_over_applies_every_call_event_once(tmp_path):
    PhoneSource.objects.create(name="pbx")
    for n in range(CLIENTS):
        ContactFactory(phone=f"+7912000{n:04d}")
    for i in range(CALLS):
        caller = f"8 912 000 {i % CLIENTS:04d}"
        for step, event in enumerate(("started", "ended")):
            body = {"call_id": f"call-{i}", "event": event, "from": caller, "extension": "101",
                    "timestamp": f"2026-12-04T05:{i // 60:02d}:{i % 60:02d}Z"}  # fmt: skip
            (tmp_path / f"{i:03d}-{step}.json").write_text(json.dumps(body))

    first = _worker(tmp_path)
    assert first.stdout is not None
    for _ in range(KILL_AFTER):
        assert first.stdout.readline(), "the worker stopped before it was killed"
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    assert first.returncode == -signal.SIGKILL
    assert KILL_AFTER <= CallEvent.objects.filter(status="processed").count() < CALLS * 2

    workers = [_worker(tmp_path), _worker(tmp_path)]
    outputs = [w.communicate(timeout=300)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0]
    assert all(len(out.splitlines()) == CALLS * 2 for out in outputs)

    assert CallEvent.objects.filter(status="processed").count() == CALLS * 2
    assert Call.objects.filter(status="missed").count() == CALLS
    assert Ticket.objects.count() == CLIENTS  # one callback ticket per client
    assert Comment.objects.count() == CALLS - CLIENTS  # each later missed call: one note
    assert not Call.objects.filter(callback_ticket__isnull=True).exists()
