"""Reads for monitoring intake: mapping rules, the site's recent alert tickets and incident."""

from __future__ import annotations

import datetime as dt
import hmac

from django.db.models import Q, QuerySet

from deskline.channels.alert_models import (
    Alert,
    AlertIncident,
    AlertPayload,
    AlertRule,
    AlertSource,
)
from deskline.channels.alertrules import MappingRule
from deskline.tickets.config_cache import rows_by_id
from deskline.tickets.models import Priority


def mapping_rules(*, source_id: int) -> list[MappingRule]:
    """The active rules for the source (its own and the shared ones), in their order."""
    rows = AlertRule.objects.filter(
        Q(source_id=source_id) | Q(source__isnull=True), is_active=True
    ).order_by("order", "pk")
    return [
        MappingRule(
            rule_id=r.pk,
            label=r.label,
            pattern=r.pattern,
            company_id=r.company_id,
            site_id=r.site_id,
            equipment_id=r.equipment_id,
        )
        for r in rows
    ]


def priority_id(code: str) -> int | None:
    """The priority with this code, from the reference cache (no query per alert)."""
    return next((p.pk for p in rows_by_id(Priority).values() if p.code == code), None)


def recent_incident(*, site_id: int, since: dt.datetime) -> int | None:
    """The number of the site's parent incident opened since then, if any."""
    return (
        AlertIncident.objects.filter(site_id=site_id, opened_at__gte=since)
        .order_by("-opened_at")
        .values_list("ticket__number", flat=True)
        .first()
    )


def recent_alert_tickets(*, site_id: int, since: dt.datetime) -> list[int]:
    """Numbers of the site's alert tickets opened since then that have no parent yet."""
    return list(
        Alert.objects.filter(
            site_id=site_id, opened_at__gte=since, ticket__isnull=False, ticket__parent__isnull=True
        )
        .order_by("opened_at")
        .values_list("ticket__number", flat=True)
    )


def payloads_pending(*, older_than: dt.datetime) -> QuerySet[AlertPayload]:
    return AlertPayload.objects.filter(
        status=AlertPayload.Status.RECEIVED, received_at__lt=older_than
    ).order_by("pk")


def source_for_token(*, name: str, digest: str) -> AlertSource | None:
    """The active source `name` when `digest` is its secret's digest (compared in constant time)."""
    source = AlertSource.objects.filter(name=name, is_active=True).first()
    if source is None or not source.token_digest or not digest:
        return None
    return source if hmac.compare_digest(source.token_digest, digest) else None
