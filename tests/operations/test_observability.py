"""Liveness, readiness, metrics and request ids."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from deskline.operations.health import queue_check
from deskline.operations.logs import JsonFormatter, RequestIdFilter, request_id_for
from deskline.tickets.services import ticket_create
from tests.factories import AdminFactory


def test_healthz_answers_without_touching_the_database(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_each_check_and_is_ready_on_a_migrated_database(client: Client) -> None:
    body = client.get("/readyz").json()
    assert body["status"] == "ready"
    assert {"database", "migrations", "queue", "cache"} <= set(body["checks"])


@pytest.mark.django_db
def test_a_due_job_waiting_past_the_limit_makes_the_queue_not_ready(settings) -> None:
    settings.DESKLINE_READY_QUEUE_MAX_AGE = 60
    ticket_create(actor=AdminFactory(), title="Printer jams")  # queues its dispatch job
    DBTaskResult.objects.update(run_after=timezone.now() - dt.timedelta(minutes=5))
    ok, detail = queue_check()
    assert not ok and "no worker" in detail


@pytest.mark.django_db
def test_readyz_is_503_when_a_check_fails(client: Client, settings) -> None:
    settings.DESKLINE_READY_QUEUE_MAX_AGE = 1
    ticket_create(actor=AdminFactory(), title="Printer jams")
    DBTaskResult.objects.update(run_after=timezone.now() - dt.timedelta(minutes=5))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["queue"]["ok"] is False


@pytest.mark.django_db
def test_metrics_are_off_without_a_token(client: Client, settings) -> None:
    settings.DESKLINE_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_metrics_refuse_a_wrong_token(client: Client, settings) -> None:
    settings.DESKLINE_METRICS_TOKEN = "s3cret-token"
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401


@pytest.mark.django_db
def test_metrics_count_requests_by_route_and_report_backlogs(client: Client, settings) -> None:
    settings.DESKLINE_METRICS_TOKEN = "s3cret-token"
    ticket_create(actor=AdminFactory(), title="Printer jams")
    client.get("/healthz")
    text = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token").content.decode()
    assert 'deskline_http_requests_total{method="GET",route="healthz",status="200"}' in text
    assert "deskline_http_request_duration_seconds_bucket" in text
    assert "deskline_jobs_ready 1.0" in text
    assert 'deskline_open_tickets_breached{deadline="resolution"}' in text


def test_every_response_carries_a_request_id_and_a_sane_one_is_kept(client: Client) -> None:
    fresh = client.get("/healthz")["X-Request-ID"]
    assert len(fresh) == 32
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234abcd")["X-Request-ID"]
    assert kept == "lb-1234abcd"


def test_an_unsafe_incoming_request_id_is_replaced() -> None:
    assert request_id_for("bad id\nforged log line") != "bad id\nforged log line"


def test_json_logs_are_one_object_per_line_with_the_request_id() -> None:
    record = logging.LogRecord("deskline", logging.WARNING, __file__, 1, "mail %s", ("late",), None)
    RequestIdFilter().filter(record)
    record.request_id = "abc12345"
    line = JsonFormatter().format(record)
    assert json.loads(line) | {"time": None} == {
        "time": None, "level": "WARNING", "logger": "deskline", "message": "mail late",
        "request_id": "abc12345",
    }  # fmt: skip
