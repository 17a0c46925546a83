"""Prometheus metrics (`/metrics`): requests by route and status, latency, and the backlogs.

Request counters live in each process; under `deskline run` the web server has several worker
processes, so `PROMETHEUS_MULTIPROC_DIR` (set by the CLI) makes them write to shared files that
any process sums when scraped. Backlogs (job queue, mail intake, outbox, reaction failures, SLA
breaches) are read from the database at scrape time, so every process reports the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from deskline.channels.models import InboundMessage
from deskline.notifications.models import Outbox
from deskline.operations.health import due_jobs, oldest_due_since
from deskline.tickets.models import OPEN_PHASES, EventReactionFailure, Ticket

REQUESTS = Counter(
    "deskline_http_requests_total", "HTTP requests answered", ["route", "method", "status"]
)
LATENCY = Histogram(
    "deskline_http_request_duration_seconds", "Time to answer an HTTP request", ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)  # fmt: skip


class BacklogCollector(Collector):
    """What is waiting, read from the database when scraped."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = timezone.now()
        oldest = oldest_due_since()
        yield _gauge("deskline_jobs_ready", "Jobs due and waiting for a worker", due_jobs().count())
        yield _gauge("deskline_jobs_oldest_ready_age_seconds", "Age of the oldest due job",
                     (now - oldest).total_seconds() if oldest else 0)  # fmt: skip
        yield _gauge("deskline_jobs_failed", "Jobs that ended with an error",
                     DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count())  # fmt: skip
        yield _by_state("deskline_mail_inbound", "Inbound mail by status", InboundMessage.objects.
                        filter(status__in=["received", "quarantined"]), "status")  # fmt: skip
        yield _by_state("deskline_outbox", "Notifications by status",
                        Outbox.objects.filter(status__in=["queued", "sending", "failed"]), "status")  # fmt: skip
        yield _gauge("deskline_event_reaction_failures", "Event reactions waiting for a retry",
                     EventReactionFailure.objects.filter(resolved_at__isnull=True,
                                                         given_up_at__isnull=True).count())  # fmt: skip
        open_tickets = Ticket.objects.filter(phase__in=OPEN_PHASES)
        family = GaugeMetricFamily("deskline_open_tickets_breached", "Open tickets past a deadline",
                                   labels=["deadline"])  # fmt: skip
        family.add_metric(["reaction"], open_tickets.filter(reaction_breached=True).count())
        family.add_metric(["resolution"], open_tickets.filter(resolution_breached=True).count())
        yield family


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _by_state(name: str, documentation: str, rows: Any, column: str) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=[column])
    for row in rows.values(column).annotate(n=Count("pk")).order_by(column):
        family.add_metric([row[column]], row["n"])
    return family


def metrics_text() -> bytes:
    registry = CollectorRegistry()
    if settings.PROMETHEUS_MULTIPROC_DIR:
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        for collector in (REQUESTS, LATENCY):
            registry.register(collector)
    registry.register(BacklogCollector())
    return generate_latest(registry)
