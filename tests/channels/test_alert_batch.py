"""Repeat firings of a re-sent group cost a constant number of queries (bench/channels.py), and
an alert named twice in one payload is still opened once and counted twice."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deskline.channels.alert_models import Alert, AlertSource
from deskline.channels.alerts import alert_ingest
from deskline.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _body(fingerprints: list[str], sent: int) -> bytes:
    alerts = [{"fingerprint": f, "status": "firing", "name": f"Disk {f}"} for f in fingerprints]
    return json.dumps({"alerts": alerts, "sent": sent}).encode()


@pytest.fixture
def source() -> AlertSource:
    return AlertSource.objects.create(name="gen", kind="generic", group_threshold=0)


def _queries(source: AlertSource, body: bytes) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert alert_ingest(source=source, body=body).status == "processed"
    return len(captured.captured_queries)


def test_a_resent_group_costs_the_same_queries_whatever_its_size(source):
    small, large = [f"s{n}" for n in range(2)], [f"l{n}" for n in range(30)]
    alert_ingest(source=source, body=_body(small, 0))
    alert_ingest(source=source, body=_body(large, 0))
    assert _queries(source, _body(small, 1)) == _queries(source, _body(large, 1))
    assert set(Alert.objects.values_list("firing_count", flat=True)) == {2}
    assert Ticket.objects.count() == 32


def test_an_alert_twice_in_one_payload_opens_one_ticket_and_counts_both(source):
    alert_ingest(source=source, body=_body(["a", "a", "b"], 0))
    assert Ticket.objects.count() == 2
    assert Alert.objects.get(fingerprint="a").firing_count == 2
    alert_ingest(source=source, body=_body(["a", "b", "a"], 1))
    assert Alert.objects.get(fingerprint="a").firing_count == 4
    assert Alert.objects.get(fingerprint="b").firing_count == 2
