"""Monitoring intake (writes): store the raw notification, then apply each alert once.

`alert_ingest` commits the raw payload first (keyed by the SHA-256 of the body per source), then
processes it in one transaction with the ticket writes. A payload that fails is quarantined with
the reason and can be processed again (`alert_payload_retry`, the admin action). The same body
delivered again never opens or comments anything: it only counts as a repeat firing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from deskline.accounts.system import system_user
from deskline.channels import alert_selectors as selectors
from deskline.channels.alert_models import Alert, AlertIncident, AlertPayload, AlertSource
from deskline.channels.alertformats import AlertFormatError, AlertNotice, parse_alerts
from deskline.channels.alertrules import (
    Action,
    AlertState,
    MappingRule,
    alert_action,
    needs_incident,
    rule_match,
    severity_priority,
)
from deskline.channels.services import secret_new
from deskline.clients.models import Site
from deskline.core.errors import DomainError
from deskline.tickets.models import OPEN_PHASES, Channel, Ticket
from deskline.tickets.relations import ticket_link
from deskline.tickets.services import (
    comment_add,
    ticket_change_status,
    ticket_create,
    ticket_reopen,
)

logger = logging.getLogger(__name__)
PayloadStatus = AlertPayload.Status


@dataclass
class AlertOutcome:
    payload_id: int
    status: str
    reason: str = ""
    duplicate: bool = False
    actions: dict[str, int] = field(default_factory=dict)
    opened: list[int] = field(default_factory=list)


def payload_key(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def alert_ingest(*, source: AlertSource, body: bytes) -> AlertOutcome:
    """Store, then process once; a redelivered body only bumps the firing counters."""
    now = timezone.now()
    payload, created = AlertPayload.objects.get_or_create(
        source=source, key=payload_key(body), defaults={"raw": body, "received_at": now}
    )
    if created or payload.status == PayloadStatus.RECEIVED:
        return alert_payload_process(payload_id=payload.pk)
    AlertPayload.objects.filter(pk=payload.pk).update(deliveries=F("deliveries") + 1)
    if payload.status == PayloadStatus.PROCESSED and payload.fingerprints:
        Alert.objects.filter(
            source=source, fingerprint__in=payload.fingerprints, is_firing=True
        ).update(firing_count=F("firing_count") + 1, last_fired_at=now)
    return AlertOutcome(payload.pk, payload.status, payload.reason, duplicate=True)


def alert_payload_process(*, payload_id: int, retry: bool = False) -> AlertOutcome:
    """Process a stored payload; a failure quarantines it with the reason."""
    outcome = AlertOutcome(payload_id, PayloadStatus.RECEIVED)
    try:
        with transaction.atomic():
            payload = (
                AlertPayload.objects.select_for_update().select_related("source").get(pk=payload_id)
            )
            allowed = [PayloadStatus.RECEIVED] + ([PayloadStatus.QUARANTINED] if retry else [])
            if payload.status not in allowed:
                return AlertOutcome(payload.pk, payload.status, payload.reason, duplicate=True)
            notices = parse_alerts(payload.source.kind, bytes(payload.raw))
            _apply_all(payload.source, notices, outcome)
            payload.fingerprints = sorted({n.fingerprint for n in notices})
            payload.status, payload.reason = PayloadStatus.PROCESSED, ""
            payload.attempts += 1
            payload.processed_at = timezone.now()
            payload.save()
            outcome.status = payload.status
    except Exception as exc:
        logger.warning("alert payload %s quarantined", payload_id, exc_info=True)
        if isinstance(exc, DomainError):
            why = exc.message
        elif isinstance(exc, AlertFormatError):
            why = f"cannot read the payload: {exc}"
        else:
            why = f"{type(exc).__name__}: {exc}"
        AlertPayload.objects.filter(pk=payload_id).update(
            status=PayloadStatus.QUARANTINED,
            reason=why[:500],
            attempts=F("attempts") + 1,
            processed_at=timezone.now(),
        )
        return AlertOutcome(payload_id, PayloadStatus.QUARANTINED, why[:500])
    return outcome


def alert_payload_retry(*, payload_id: int) -> AlertOutcome:
    """Process a quarantined payload again (the admin action)."""
    return alert_payload_process(payload_id=payload_id, retry=True)


def alert_process_pending(*, older_than_seconds: int = 300) -> int:
    """Process payloads a dead worker left in `received`; how many."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    ids = list(selectors.payloads_pending(older_than=cutoff).values_list("pk", flat=True))
    for payload_id in ids:
        alert_payload_process(payload_id=payload_id)
    return len(ids)


def _apply_all(source: AlertSource, notices: Sequence[AlertNotice], outcome: AlertOutcome) -> None:
    """Apply each notice; the payload's known alerts are locked in one query and the repeat
    firings counted in one UPDATE (a re-sent group of N alerts costs a few queries, not 2N)."""
    rules = LazyRules(lambda: selectors.mapping_rules(source_id=source.pk))
    now = timezone.now()
    known = {
        a.fingerprint: a
        for a in Alert.objects.select_for_update(of=("self",))
        .select_related("ticket")
        .filter(source=source, fingerprint__in={n.fingerprint for n in notices})
        .order_by("pk")
    }
    repeats: list[int] = []
    seen: set[str] = set()
    for notice in notices:
        if notice.fingerprint in seen:  # twice in one payload: count what came before first
            _count_repeats(repeats, now)
            alert = _locked_alert(source, notice.fingerprint)
        else:
            alert = known.get(notice.fingerprint)
        seen.add(notice.fingerprint)
        action = _apply(source, notice, rules, alert, now, outcome, repeats)
        outcome.actions[action] = outcome.actions.get(action, 0) + 1
    _count_repeats(repeats, now)


class LazyRules:
    """The mapping rules, read only when an alert opens a ticket (a repeat never needs them)."""

    def __init__(self, load: Callable[[], list[MappingRule]]) -> None:
        self._load = load
        self._rules: list[MappingRule] | None = None

    def get(self) -> list[MappingRule]:
        if self._rules is None:
            self._rules = self._load()
        return self._rules


def _locked_alert(source: AlertSource, fingerprint: str) -> Alert | None:
    return (
        Alert.objects.select_for_update(of=("self",))
        .select_related("ticket")
        .filter(source=source, fingerprint=fingerprint)
        .first()
    )


def _count_repeats(repeats: list[int], now: dt.datetime) -> None:
    if repeats:
        Alert.objects.filter(pk__in=repeats).update(
            firing_count=F("firing_count") + 1, last_fired_at=now
        )
        repeats.clear()


def _apply(
    source: AlertSource,
    notice: AlertNotice,
    rules: LazyRules,
    alert: Alert | None,
    now: dt.datetime,
    outcome: AlertOutcome,
    repeats: list[int],
) -> str:
    state = None
    if alert is not None:
        ticket = alert.ticket
        state = AlertState(
            firing=alert.is_firing,
            has_ticket=ticket is not None,
            ticket_open=ticket is not None and ticket.phase in OPEN_PHASES,
            resolved_at=alert.resolved_at,
        )
    action = alert_action(
        state,
        firing=notice.firing,
        now=now,
        flap_window=dt.timedelta(minutes=source.flap_window_minutes),
    )
    if action == Action.OPEN:
        number = _open(source, notice, rules.get(), alert, now)
        outcome.opened.append(number)
    elif alert is not None and action == Action.REPEAT:
        repeats.append(alert.pk)
    elif alert is not None and action == Action.REFIRE:
        _refire(alert, notice, now)
    elif alert is not None and action == Action.RESOLVE:
        _resolve(source, alert, notice, now)
    return str(action)


def _description(notice: AlertNotice) -> str:
    lines = [notice.summary, notice.description]
    lines += [f"{k}: {v}" for k, v in sorted(notice.labels.items())]
    if notice.url:
        lines.append(notice.url)
    return "\n".join(line for line in lines if line)


def _open(
    source: AlertSource,
    notice: AlertNotice,
    rules: Sequence[MappingRule],
    alert: Alert | None,
    now: dt.datetime,
) -> int:
    rule = rule_match(rules, notice.labels)
    company_id = rule.company_id if rule else source.default_company_id
    site_id = rule.site_id if rule else None
    equipment_id = rule.equipment_id if rule else None
    code = severity_priority(notice.severity, source.severity_priorities)
    priority_id = selectors.priority_id(code) if code else None
    parent = _incident_for(source, site_id, company_id, priority_id, now) if site_id else None
    title = f"[{notice.severity}] {notice.name}" if notice.severity else notice.name
    if notice.summary and notice.summary != notice.name:
        title = f"{title}: {notice.summary}"
    ticket = ticket_create(
        actor=None,
        channel=Channel.MONITORING,
        title=title[:300],
        description=_description(notice),
        company_id=company_id,
        site_id=site_id,
        equipment_id=equipment_id,
        priority_id=priority_id,
        parent_number=parent,
    )
    values = {
        "name": notice.name[:300], "severity": notice.severity[:50], "labels": notice.labels,
        "is_firing": True, "ticket": ticket, "company_id": company_id, "site_id": site_id,
        "equipment_id": equipment_id, "firing_count": 1, "flaps": 0, "opened_at": now,
        "last_fired_at": now, "resolved_at": None,
    }  # fmt: skip
    if alert is None:
        Alert.objects.create(source=source, fingerprint=notice.fingerprint, **values)
    else:
        for name, value in values.items():
            setattr(alert, name, value)
        alert.save()
    return ticket.number


def _incident_for(
    source: AlertSource,
    site_id: int,
    company_id: int | None,
    priority_id: int | None,
    now: dt.datetime,
) -> int | None:
    """The parent incident's number for a new alert ticket of `site_id`, opening one (and
    adopting the site's recent alert tickets) when the alerts reach the threshold."""
    since = now - dt.timedelta(minutes=source.group_window_minutes)
    # One site's grouping is decided by one transaction at a time.
    site = Site.objects.select_for_update().filter(pk=site_id).first()
    if site is None:
        return None
    incident = selectors.recent_incident(site_id=site_id, since=since)
    if incident is not None:
        return incident
    orphans = selectors.recent_alert_tickets(site_id=site_id, since=since)
    if not needs_incident(recent_alert_tickets=len(orphans) + 1, threshold=source.group_threshold):
        return None
    parent = ticket_create(
        actor=None,
        channel=Channel.MONITORING,
        title=_("Incident: several alerts at %(site)s") % {"site": site.name},
        description=_("Opened because alerts of one site came within %(minutes)s minutes.")
        % {"minutes": source.group_window_minutes},
        company_id=company_id,
        site_id=site_id,
        priority_id=priority_id,
    )
    AlertIncident.objects.create(site_id=site_id, ticket=parent, opened_at=now)
    actor = system_user("monitoring")
    for number in orphans:
        ticket_link(actor=actor, number=number, other_number=parent.number, kind="parent")
    return parent.number


def _note(ticket: Ticket, text: str) -> None:
    comment_add(
        actor=system_user("monitoring"),
        number=ticket.number,
        body=text,
        is_public=False,
        channel=Channel.MONITORING,
    )


def _refire(alert: Alert, notice: AlertNotice, now: dt.datetime) -> None:
    ticket = alert.ticket
    assert ticket is not None
    alert.is_firing, alert.last_fired_at = True, now
    alert.firing_count += 1
    alert.flaps += 1
    alert.save(update_fields=["is_firing", "last_fired_at", "firing_count", "flaps"])
    _note(ticket, _("The alert fired again: %(name)s") % {"name": notice.summary or notice.name})
    ticket_reopen(
        actor=system_user("monitoring"), number=ticket.number,
        comment=_("Reopened: the alert fired again."),
    )  # fmt: skip


def _resolve(source: AlertSource, alert: Alert, notice: AlertNotice, now: dt.datetime) -> None:
    ticket = alert.ticket
    assert ticket is not None
    alert.is_firing, alert.resolved_at = False, now
    alert.save(update_fields=["is_firing", "resolved_at"])
    _note(ticket, _("The alert resolved: %(name)s") % {"name": notice.summary or notice.name})
    if not source.resolve_on_recovery or ticket.phase not in OPEN_PHASES:
        return
    try:
        with transaction.atomic():
            ticket_change_status(
                actor=system_user("monitoring"), number=ticket.number, status_code="resolved"
            )
    except DomainError as exc:  # the workflow refuses: the note stands, the ticket stays
        _note(ticket, _("Not resolved automatically: %(why)s") % {"why": exc.message})


def alert_source_token_create(*, source_id: int) -> str:
    """A new secret for the source's endpoint (shown once; only its digest is kept)."""
    token, digest = secret_new("alr")
    AlertSource.objects.filter(pk=source_id).update(token_digest=digest)
    return token
