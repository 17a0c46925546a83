"""Monitoring payloads read into one shape (pure: bytes in, `AlertNotice` list out, no ORM).

Four wire formats are understood, each as its documentation describes it:

- Prometheus Alertmanager's webhook receiver (payload version 4: `alerts[]` with `status`,
  `labels`, `annotations`, `startsAt`, `endsAt`, `generatorURL`, `fingerprint`);
- Grafana Alerting's webhook contact point (the same alert list plus `orgId`, `dashboardURL`,
  `panelURL`, `values`);
- Zabbix's webhook media type: the parameters our media type script (README) posts as JSON,
  filled by Zabbix macros ({EVENT.ID}, {EVENT.VALUE} 1 = problem / 0 = recovery, {TRIGGER.ID},
  {EVENT.SEVERITY}, {HOST.HOST}, {EVENT.TAGSJSON} ...);
- a generic JSON format for anything else: `{"alerts": [{"fingerprint", "status", "name",
  "severity", "summary", "labels", "url"}]}` or one such alert object on its own.

A payload that is not what its format promises raises `AlertFormatError` with the reason; the
caller quarantines the stored payload with it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

FORMATS = ("alertmanager", "grafana", "zabbix", "generic")
#: Alertmanager writes this for "no end time yet".
_ZERO_TIME = "0001-01-01T00:00:00Z"


class AlertFormatError(ValueError):
    """The payload does not follow its format; the message says where."""


@dataclass(frozen=True)
class AlertNotice:
    """One alert's state as the monitoring system reports it in one notification."""

    fingerprint: str
    firing: bool
    name: str
    severity: str = ""
    summary: str = ""
    description: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    url: str = ""
    started_at: dt.datetime | None = None


def parse_alerts(kind: str, body: bytes) -> list[AlertNotice]:
    """The alerts in `body` for the format `kind`; AlertFormatError when it does not fit."""
    parser = _PARSERS.get(kind)
    if parser is None:
        raise AlertFormatError(f"unknown format {kind!r}")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise AlertFormatError(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise AlertFormatError("the body must be a JSON object")
    notices = parser(data)
    if not notices:
        raise AlertFormatError("no alerts in the payload")
    return notices


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _labels(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise AlertFormatError(f"{where} must be an object")
    return {str(k): _text(v) for k, v in value.items()}


def _time(value: Any) -> dt.datetime | None:
    text = _text(value)
    if not text or text == _ZERO_TIME:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def labels_fingerprint(labels: Mapping[str, str]) -> str:
    """A stable fingerprint from the label set, for senders that give none."""
    canonical = json.dumps(sorted(labels.items()), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _alert_list(data: Mapping[str, Any]) -> list[Any]:
    alerts = data.get("alerts")
    if not isinstance(alerts, list):
        raise AlertFormatError("alerts: a list is required")
    return alerts


def _status(value: Any, where: str) -> bool:
    status = _text(value).lower()
    if status not in ("firing", "resolved"):
        raise AlertFormatError(f"{where}.status: 'firing' or 'resolved', not {status!r}")
    return status == "firing"


def _prometheus_style(data: Mapping[str, Any], *, url_keys: tuple[str, ...]) -> list[AlertNotice]:
    """Alertmanager and Grafana share the alert object; only the links differ."""
    notices = []
    for i, alert in enumerate(_alert_list(data)):
        where = f"alerts[{i}]"
        if not isinstance(alert, Mapping):
            raise AlertFormatError(f"{where} must be an object")
        labels = _labels(alert.get("labels"), f"{where}.labels")
        notes = _labels(alert.get("annotations"), f"{where}.annotations")
        url = next((_text(alert.get(k)) for k in url_keys if _text(alert.get(k))), "")
        notices.append(
            AlertNotice(
                fingerprint=_text(alert.get("fingerprint")) or labels_fingerprint(labels),
                firing=_status(alert.get("status"), where),
                name=labels.get("alertname") or notes.get("summary") or "alert",
                severity=labels.get("severity", "").lower(),
                summary=notes.get("summary", ""),
                description=notes.get("description", "") or notes.get("message", ""),
                labels=labels,
                url=url,
                started_at=_time(alert.get("startsAt")),
            )
        )
    return notices


def _alertmanager(data: Mapping[str, Any]) -> list[AlertNotice]:
    if _text(data.get("version")) not in ("", "4"):
        raise AlertFormatError(f"version: payload version 4 expected, not {data['version']!r}")
    return _prometheus_style(data, url_keys=("generatorURL",))


def _grafana(data: Mapping[str, Any]) -> list[AlertNotice]:
    return _prometheus_style(data, url_keys=("panelURL", "dashboardURL", "generatorURL"))


def _zabbix_tags(value: Any) -> dict[str, str]:
    """{EVENT.TAGSJSON}: a JSON list of {"tag", "value"}, posted as text or as a list."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else []
        except ValueError:
            return {}
    if not isinstance(value, list):
        return {}
    return {
        _text(t.get("tag")): _text(t.get("value"))
        for t in value
        if isinstance(t, Mapping) and _text(t.get("tag"))
    }


def _zabbix(data: Mapping[str, Any]) -> list[AlertNotice]:
    event_id = _text(data.get("event_id"))
    value = _text(data.get("event_value"))
    if not event_id or event_id.startswith("{"):
        raise AlertFormatError("event_id: the {EVENT.ID} macro value is required")
    if value not in ("0", "1"):
        raise AlertFormatError("event_value: 1 (problem) or 0 (recovery) from {EVENT.VALUE}")
    host = _text(data.get("host"))
    labels = {"host": host, "host_name": _text(data.get("host_name")) or host}
    labels.update(_zabbix_tags(data.get("event_tags")))
    trigger = _text(data.get("trigger_id"))
    # One trigger on one host is one alert whatever its problem events: flapping stays together.
    fingerprint = f"trigger:{trigger}" if trigger and not trigger.startswith("{") else event_id
    return [
        AlertNotice(
            fingerprint=fingerprint,
            firing=value == "1",
            name=_text(data.get("event_name")) or _text(data.get("trigger_name")) or "problem",
            severity=_text(data.get("event_severity")).lower(),
            summary=_text(data.get("event_name")),
            description=_text(data.get("message")),
            labels={k: v for k, v in labels.items() if v},
            url=_text(data.get("event_url")),
            started_at=None,
        )
    ]


def _generic_one(alert: Any, where: str) -> AlertNotice:
    if not isinstance(alert, Mapping):
        raise AlertFormatError(f"{where} must be an object")
    fingerprint = _text(alert.get("fingerprint"))
    if not fingerprint:
        raise AlertFormatError(f"{where}.fingerprint: required")
    labels = _labels(alert.get("labels"), f"{where}.labels")
    return AlertNotice(
        fingerprint=fingerprint[:200],
        firing=_status(alert.get("status") or "firing", where),
        name=_text(alert.get("name")) or _text(alert.get("summary")) or "alert",
        severity=_text(alert.get("severity")).lower(),
        summary=_text(alert.get("summary")),
        description=_text(alert.get("description")),
        labels=labels,
        url=_text(alert.get("url")),
        started_at=_time(alert.get("started_at")),
    )


def _generic(data: Mapping[str, Any]) -> list[AlertNotice]:
    if "alerts" not in data:
        return [_generic_one(data, "alert")]
    return [_generic_one(a, f"alerts[{i}]") for i, a in enumerate(_alert_list(data))]


_PARSERS: dict[str, Callable[[Mapping[str, Any]], list[AlertNotice]]] = {
    "alertmanager": _alertmanager,
    "grafana": _grafana,
    "zabbix": _zabbix,
    "generic": _generic,
}
