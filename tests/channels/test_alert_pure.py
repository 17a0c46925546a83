"""Monitoring's pure parts: the four wire formats, severity -> priority, rules, dedup decisions."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from deskline.channels.alertformats import AlertFormatError, labels_fingerprint, parse_alerts
from deskline.channels.alertrules import (
    Action,
    AlertState,
    MappingRule,
    alert_action,
    needs_incident,
    rule_match,
    severity_priority,
)

PAYLOADS = Path(__file__).parent / "payloads"
NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)
WINDOW = dt.timedelta(minutes=30)


def payload(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def test_alertmanager_payload_gives_each_alert_with_its_fingerprint_and_severity():
    first, second = parse_alerts("alertmanager", payload("alertmanager_firing.json"))
    assert (first.fingerprint, first.firing, first.name) == (
        "1a30ba71cca2921f",
        True,
        "ProbeFailure",
    )
    assert first.severity == "critical" and first.labels["instance"].startswith("pos-12")
    assert first.summary == "Cash register pos-12 does not answer"
    assert first.started_at == dt.datetime(2026, 12, 3, 9, 52, 26, 739000, tzinfo=dt.UTC)
    assert second.severity == "warning" and second.fingerprint == "7c2b1f0e99a4d3b2"


def test_alertmanager_resolved_notice_is_not_firing():
    (notice,) = parse_alerts("alertmanager", payload("alertmanager_resolved.json"))
    assert not notice.firing and notice.fingerprint == "1a30ba71cca2921f"


def test_grafana_payload_links_to_the_panel():
    (notice,) = parse_alerts("grafana", payload("grafana_firing.json"))
    assert notice.fingerprint == "c6eadffa33fcdf37" and notice.severity == "high"
    assert notice.url.endswith("viewPanel=4")


def test_zabbix_problem_and_recovery_share_the_trigger_fingerprint():
    (problem,) = parse_alerts("zabbix", payload("zabbix_problem.json"))
    (recovery,) = parse_alerts("zabbix", payload("zabbix_recovery.json"))
    assert problem.firing and not recovery.firing
    assert problem.fingerprint == recovery.fingerprint == "trigger:23051"
    assert problem.severity == "disaster"
    assert problem.labels == {
        "host": "router-shop-12", "host_name": "Router, shop 12",
        "scope": "availability", "site": "shop-12",
    }  # fmt: skip


def test_zabbix_unexpanded_macro_is_refused():
    body = json.dumps({"event_id": "{EVENT.ID}", "event_value": "1"}).encode()
    with pytest.raises(AlertFormatError, match="event_id"):
        parse_alerts("zabbix", body)


def test_generic_format_takes_a_list_or_one_alert():
    (listed,) = parse_alerts("generic", payload("generic.json"))
    single = json.dumps({"fingerprint": "x1", "name": "Door open"}).encode()
    (alone,) = parse_alerts("generic", single)
    assert listed.labels["site"] == "dc-north" and listed.severity == "critical"
    assert alone.firing and alone.name == "Door open"


@pytest.mark.parametrize(
    ("kind", "body", "where"),
    [
        ("generic", b"not json", "not JSON"),
        ("generic", b"[1]", "JSON object"),
        ("generic", b'{"alerts": [{"status": "firing"}]}', "fingerprint"),
        ("alertmanager", b'{"version": "4", "alerts": [{"status": "odd"}]}', "status"),
        ("alertmanager", b'{"version": "3", "alerts": []}', "version"),
        ("grafana", b'{"alerts": []}', "no alerts"),
        ("nagios", b"{}", "unknown format"),
    ],
)
def test_bad_payloads_say_what_is_wrong(kind, body, where):
    with pytest.raises(AlertFormatError, match=where):
        parse_alerts(kind, body)


def test_missing_fingerprint_comes_from_the_labels_in_any_order():
    assert labels_fingerprint({"a": "1", "b": "2"}) == labels_fingerprint({"b": "2", "a": "1"})


def test_severity_maps_to_priority_with_overrides_winning():
    assert severity_priority("Disaster") == "critical"
    assert severity_priority("warning") == "normal"
    assert severity_priority("warning", {"Warning": "high"}) == "high"
    assert severity_priority("unheard-of") == ""


def test_first_matching_rule_wins_case_blind():
    rules = [
        MappingRule(1, "instance", "nas-*", company_id=1),
        MappingRule(2, "instance", "POS-12.*", company_id=2, site_id=5),
        MappingRule(3, "instance", "*", company_id=3),
    ]
    assert rule_match(rules, {"instance": "pos-12.shop:9100"}).rule_id == 2
    assert rule_match(rules, {"job": "x"}) is None


def _state(*, firing: bool, ticket_open: bool = True, resolved_minutes_ago: int | None = None):
    resolved = (
        None if resolved_minutes_ago is None else NOW - dt.timedelta(minutes=resolved_minutes_ago)
    )
    return AlertState(firing=firing, has_ticket=True, ticket_open=ticket_open, resolved_at=resolved)


@pytest.mark.parametrize(
    ("state", "firing", "action"),
    [
        (None, True, Action.OPEN),
        (None, False, Action.NONE),
        (_state(firing=True), True, Action.REPEAT),
        (_state(firing=True, ticket_open=False), True, Action.REPEAT),
        (_state(firing=True), False, Action.RESOLVE),
        (_state(firing=False, resolved_minutes_ago=5), False, Action.NONE),
        (_state(firing=False, ticket_open=False, resolved_minutes_ago=5), True, Action.REFIRE),
        (_state(firing=False, ticket_open=True, resolved_minutes_ago=500), True, Action.REFIRE),
        (_state(firing=False, ticket_open=False, resolved_minutes_ago=31), True, Action.OPEN),
    ],
)
def test_dedup_decision(state, firing, action):
    assert alert_action(state, firing=firing, now=NOW, flap_window=WINDOW) == action


def test_incident_needs_the_threshold_and_grouping_switched_on():
    assert needs_incident(recent_alert_tickets=3, threshold=3)
    assert not needs_incident(recent_alert_tickets=2, threshold=3)
    assert not needs_incident(recent_alert_tickets=9, threshold=1)
