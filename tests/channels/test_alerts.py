"""Monitoring intake through its HTTP endpoint and services: tickets, dedup, recovery, grouping."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from deskline.channels import alerts as alert_services
from deskline.channels.alert_models import Alert, AlertPayload, AlertRule, AlertSource
from deskline.channels.alerts import (
    alert_ingest,
    alert_payload_retry,
    alert_process_pending,
    alert_source_token_create,
)
from deskline.tickets.models import Comment, Phase, Ticket
from tests.channels.test_alert_pure import payload
from tests.factories import CompanyFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def source() -> AlertSource:
    return AlertSource.objects.create(name="prom", kind="alertmanager")


def _post(source: AlertSource, body: bytes, token: str) -> object:
    return Client().post(
        f"/api/v1/channels/alerts/{source.name}",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def _body(fingerprint: str, *, status: str = "firing", instance: str = "pos-1", **extra) -> bytes:
    alert = {"fingerprint": fingerprint, "status": status, "name": f"Alert {fingerprint}",
             "severity": "critical", "labels": {"instance": instance}, **extra}  # fmt: skip
    return json.dumps({"alerts": [alert]}).encode()


def test_alertmanager_webhook_opens_one_ticket_per_alert_with_mapped_place_and_priority(source):
    company = CompanyFactory()
    site = SiteFactory(company=company)
    AlertRule.objects.create(label="instance", pattern="pos-12.*", company=company, site=site)
    token = alert_source_token_create(source_id=source.pk)
    response = _post(source, payload("alertmanager_firing.json"), token)
    assert response.status_code == 202
    opened = response.json()["opened"]
    pos, nas = (Ticket.objects.get(number=n) for n in opened)
    assert pos.channel == "monitoring" and pos.company == company and pos.site == site
    assert pos.priority.code == "critical" and nas.priority.code == "normal"
    assert pos.title == "[critical] ProbeFailure: Cash register pos-12 does not answer"
    assert nas.company is None and "nas-1" in nas.description


def test_wrong_or_missing_secret_is_refused_and_stores_nothing(source):
    alert_source_token_create(source_id=source.pk)
    response = _post(source, payload("alertmanager_firing.json"), "alr_wrong")
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"
    assert not AlertPayload.objects.exists()


def test_empty_body_is_a_field_error(source):
    token = alert_source_token_create(source_id=source.pk)
    response = _post(source, b"  ", token)
    assert response.status_code == 422 and "body" in response.json()["error"]["fields"]


def test_body_over_the_alert_limit_is_413_naming_the_body_and_stores_nothing(source):
    token = alert_source_token_create(source_id=source.pk)
    big = _body("big", summary="x" * 1_000_000)
    response = _post(source, big, token)
    assert response.status_code == 413 and "body" in response.json()["error"]["fields"]
    assert not AlertPayload.objects.exists()


def test_redelivered_body_only_counts_a_repeat_firing(source):
    token = alert_source_token_create(source_id=source.pk)
    body = payload("alertmanager_firing.json")
    _post(source, body, token)
    again = _post(source, body, token).json()
    assert again["duplicate"] and again["opened"] == []
    assert Ticket.objects.count() == 2
    assert Alert.objects.get(fingerprint="1a30ba71cca2921f").firing_count == 2
    assert AlertPayload.objects.get().deliveries == 2


def test_repeat_firing_in_a_new_notification_adds_nothing_but_the_counter(source):
    source.kind = "generic"
    source.save()
    alert_ingest(source=source, body=_body("f1"))
    outcome = alert_ingest(source=source, body=_body("f1", summary="still down"))
    assert outcome.actions == {"repeat": 1}
    assert Ticket.objects.count() == 1 and not Comment.objects.exists()
    assert Alert.objects.get().firing_count == 2


def test_resolved_adds_a_comment_and_resolves_by_setting(source):
    source.resolve_on_recovery = True
    source.save()
    alert_ingest(source=source, body=payload("alertmanager_firing.json"))
    alert_ingest(source=source, body=payload("alertmanager_resolved.json"))
    alert = Alert.objects.get(fingerprint="1a30ba71cca2921f")
    assert not alert.is_firing and alert.ticket.phase == Phase.RESOLVED
    note = Comment.objects.get(ticket=alert.ticket, body__contains="The alert resolved")
    assert not note.is_public


def test_resolved_without_the_setting_leaves_the_ticket_open(source):
    alert_ingest(source=source, body=payload("alertmanager_firing.json"))
    alert_ingest(source=source, body=payload("alertmanager_resolved.json"))
    ticket = Alert.objects.get(fingerprint="1a30ba71cca2921f").ticket
    assert ticket.phase == Phase.NEW and ticket.comments.count() == 1


def test_flapping_alert_within_the_window_returns_to_its_resolved_ticket(source):
    source.kind, source.resolve_on_recovery = "generic", True
    source.save()
    alert_ingest(source=source, body=_body("flap"))
    alert_ingest(source=source, body=_body("flap", status="resolved"))
    outcome = alert_ingest(source=source, body=_body("flap", summary="again"))
    alert = Alert.objects.get()
    assert outcome.actions == {"refire": 1} and Ticket.objects.count() == 1
    assert alert.flaps == 1 and alert.is_firing and alert.ticket.phase == Phase.OPEN


def test_firing_again_after_the_window_opens_a_new_ticket(source):
    source.kind, source.resolve_on_recovery = "generic", True
    source.save()
    alert_ingest(source=source, body=_body("late"))
    alert_ingest(source=source, body=_body("late", status="resolved"))
    Alert.objects.update(resolved_at=timezone.now() - dt.timedelta(minutes=31))
    outcome = alert_ingest(source=source, body=_body("late", summary="new outage"))
    assert len(outcome.opened) == 1 and Ticket.objects.count() == 2
    assert Alert.objects.get().ticket.number == outcome.opened[0]


def test_many_alerts_of_one_site_become_children_of_one_parent_incident(source):
    source.kind = "generic"
    source.save()
    site = SiteFactory()
    AlertRule.objects.create(label="instance", pattern="shop-*", company=site.company, site=site)
    numbers = [
        alert_ingest(source=source, body=_body(f"s{i}", instance=f"shop-{i}")).opened[0]
        for i in range(4)
    ]
    parent = Ticket.objects.get(title__startswith="Incident")
    children = Ticket.objects.filter(number__in=numbers)
    assert parent.site == site and parent.company == site.company
    assert {c.parent_id for c in children} == {parent.pk}


def test_alerts_below_the_threshold_stay_single(source):
    source.kind = "generic"
    source.save()
    site = SiteFactory()
    AlertRule.objects.create(label="instance", pattern="shop-*", company=site.company, site=site)
    for i in range(2):
        alert_ingest(source=source, body=_body(f"s{i}", instance=f"shop-{i}"))
    assert not Ticket.objects.filter(parent__isnull=False).exists()


def test_unreadable_payload_is_stored_quarantined_and_retried_after_a_fix(source):
    body = payload("zabbix_problem.json")
    outcome = alert_ingest(source=source, body=body)  # a Zabbix body on an Alertmanager source
    stored = AlertPayload.objects.get()
    assert outcome.status == "quarantined" and "alerts" in stored.reason
    assert bytes(stored.raw) == body and not Ticket.objects.exists()
    AlertSource.objects.filter(pk=source.pk).update(kind="zabbix")
    retried = alert_payload_retry(payload_id=stored.pk)
    assert retried.status == "processed" and Ticket.objects.count() == 1


def test_crash_mid_payload_writes_nothing_and_the_retry_writes_each_alert_once(source, monkeypatch):
    real = alert_services.ticket_create
    calls = {"n": 0}

    def crash_on_second(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker died")
        return real(**kwargs)

    monkeypatch.setattr(alert_services, "ticket_create", crash_on_second)
    first = alert_ingest(source=source, body=payload("alertmanager_firing.json"))
    assert first.status == "quarantined" and not Ticket.objects.exists()
    assert not Alert.objects.exists()
    monkeypatch.setattr(alert_services, "ticket_create", real)
    alert_payload_retry(payload_id=first.payload_id)
    alert_payload_retry(payload_id=first.payload_id)
    assert Ticket.objects.count() == 2 and Alert.objects.count() == 2


def test_payload_left_received_by_a_dead_worker_is_processed_by_the_sweeper(source):
    AlertPayload.objects.create(
        source=source, key="k", raw=payload("alertmanager_firing.json"),
        received_at=timezone.now() - dt.timedelta(minutes=10),
    )  # fmt: skip
    assert alert_process_pending() == 1
    assert Ticket.objects.count() == 2 and alert_process_pending() == 0


def test_zabbix_problem_then_recovery_maps_by_host_name(source):
    source.kind = "zabbix"
    source.save()
    company = CompanyFactory()
    AlertRule.objects.create(source=source, label="host", pattern="router-shop-*", company=company)
    opened = alert_ingest(source=source, body=payload("zabbix_problem.json")).opened
    closed = alert_ingest(source=source, body=payload("zabbix_recovery.json"))
    ticket = Ticket.objects.get(number=opened[0])
    assert ticket.company == company and ticket.priority.code == "critical"
    assert closed.actions == {"resolve": 1}


def test_grafana_contact_point_opens_a_ticket(source):
    source.kind = "grafana"
    source.save()
    token = alert_source_token_create(source_id=source.pk)
    response = Client().post(
        f"/api/v1/channels/alerts/{source.name}",
        data=payload("grafana_firing.json"),
        content_type="application/json",
        HTTP_X_DESKLINE_TOKEN=token,
    )
    (number,) = response.json()["opened"]
    assert Ticket.objects.get(number=number).priority.code == "high"
