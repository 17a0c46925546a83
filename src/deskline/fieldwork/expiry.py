"""Expiring warranties, contracts, licences and certificates: the list (desk page, API) and the
reminders to the company's manager and, where the company asks for it, its contact.

Sources: `Equipment.warranty_until`, `Contract.ends_on` and the equipment date parameters named
in `DESKLINE_EXPIRY_PARAMETERS` (e.g. `licence_until`). Each reminder step (days before; the
company's own steps or `DESKLINE_EXPIRY_STEPS`) is recorded as an `ExpiryReminder` row, inserted
before the mail is queued in the same transaction: a unique row per item, date and step means a
second worker or a rerun sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import CharField, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from deskline.accounts.models import User
from deskline.clients.models import Company, Contact, Contract, Equipment
from deskline.clients.selectors import contracts_visible_to, equipment_visible_to
from deskline.fieldwork.expiry_rules import clean_steps, days_left, due_step
from deskline.fieldwork.maintenance_models import ExpiryKind, ExpiryReminder, ExpirySettings
from deskline.notifications.context import base_url
from deskline.notifications.services import message_queue

LIST_LIMIT = 2000
MAX_DAYS = 3650


@dataclass(frozen=True)
class ExpiringItem:
    kind: str
    object_id: int
    parameter: str
    what: str
    label: str
    company_id: int
    company: str
    site: str
    expires_on: dt.date
    path: str


def _parameter_name(item: Equipment, code: str) -> str:
    for definition in item.kind.parameters or []:
        if isinstance(definition, dict) and definition.get("code") == code:
            return str(definition.get("name") or code)
    return code


def _equipment_item(item: Equipment, kind: str, code: str, day: dt.date) -> ExpiringItem:
    what = _parameter_name(item, code) if code else str(ExpiryKind(kind).label)
    return ExpiringItem(kind, item.pk, code, what, str(item), item.company_id, item.company.name,
                        item.site.name if item.site else "", day, f"/equipment/{item.pk}/")  # fmt: skip


def expiring_items(
    *, equipment: QuerySet[Equipment], contracts: QuerySet[Contract], first: dt.date,
    last: dt.date, limit: int | None = None,
) -> list[ExpiringItem]:  # fmt: skip
    """Everything expiring from `first` to `last` (both included), soonest first."""
    live = equipment.exclude(status=Equipment.Status.DECOMMISSIONED).select_related(
        "company", "site", "kind", "model"
    )
    found = [
        _equipment_item(item, ExpiryKind.WARRANTY, "", item.warranty_until)
        for item in live.filter(warranty_until__range=(first, last))[:limit]
        if item.warranty_until is not None
    ]
    for code in settings.DESKLINE_EXPIRY_PARAMETERS:
        text = Cast(KT(f"parameters__{code}"), output_field=CharField())
        rows = live.annotate(expiry=text).filter(
            expiry__gte=first.isoformat(), expiry__lte=last.isoformat()
        )
        for item in rows[:limit]:
            try:
                day = dt.date.fromisoformat(str(item.expiry))
            except ValueError:
                continue
            found.append(_equipment_item(item, ExpiryKind.PARAMETER, code, day))
    for contract in contracts.filter(is_active=True, ends_on__range=(first, last)).select_related(
        "company"
    )[:limit]:
        assert contract.ends_on is not None
        found.append(ExpiringItem(
            ExpiryKind.CONTRACT, contract.pk, "", str(ExpiryKind.CONTRACT.label),
            f"{contract.number} {contract.title}".strip(), contract.company_id,
            contract.company.name, "", contract.ends_on, f"/contracts/{contract.pk}/"))  # fmt: skip
    found.sort(key=lambda i: (i.expires_on, i.company, i.label))
    return found[:limit] if limit else found


def expiring_for(user: User, *, days: int, today: dt.date | None = None) -> list[ExpiringItem]:
    """What expires within `days` among what `user` may see (a client: its company's)."""
    today = today or timezone.localdate()
    last = today + dt.timedelta(days=max(0, min(days, MAX_DAYS)))
    return expiring_items(equipment=equipment_visible_to(user),
                          contracts=contracts_visible_to(user), first=today, last=last,
                          limit=LIST_LIMIT)  # fmt: skip


def _steps_of(row: ExpirySettings | None) -> tuple[int, ...]:
    try:
        return clean_steps(row.steps) if row is not None and row.steps else clean_steps(
            settings.DESKLINE_EXPIRY_STEPS)  # fmt: skip
    except ValueError:
        return clean_steps(settings.DESKLINE_EXPIRY_STEPS)


def _claim(
    item: ExpiringItem, steps: tuple[int, ...], today: dt.date, sent: set[int], to: list[str]
) -> bool:
    """Record the due step (and passed larger ones); False if nothing is due or it was taken."""
    due = due_step(expires_on=item.expires_on, today=today, steps=steps, sent=sent)
    if due is None:
        return False
    key = {"kind": item.kind, "object_id": item.object_id, "parameter": item.parameter,
           "expires_on": item.expires_on}  # fmt: skip
    try:
        with transaction.atomic():
            ExpiryReminder.objects.create(step_days=due.send, recipients=to, **key)
    except IntegrityError:  # another worker sent it
        return False
    ExpiryReminder.objects.bulk_create(
        [ExpiryReminder(step_days=s, **key) for s in due.record if s != due.send],
        ignore_conflicts=True,
    )
    return True


def _line(item: ExpiringItem, today: dt.date, with_link: bool) -> str:
    text = _("%(what)s: %(label)s expires on %(day)s (in %(n)s days)") % {
        "what": item.what, "label": item.label, "day": item.expires_on.isoformat(),
        "n": days_left(item.expires_on, today)}  # fmt: skip
    if item.site:
        text += f" — {item.site}"
    return f"- {text}" + (f": {base_url()}{item.path}" if with_link else "")


def _send(recipient: str, language: str, company: Company, lines: list[str]) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = _("Expiring soon at %(company)s: %(n)s") % {"company": company.name,
                                                               "n": len(lines)}  # fmt: skip
        body = "\n".join([_("These expire soon:"), *lines])
    message_queue(event="expiry_reminder", recipient=recipient, subject=subject, body=body)


def _recipients(company: Company, config: ExpirySettings | None) -> list[tuple[str, str, bool]]:
    """(address, language, with desk links) of the active manager and the company's contact."""
    out = []
    manager: User | None = company.manager
    if manager is not None and manager.is_active and manager.email:
        out.append((manager.email, manager.language, True))
    contact: Contact | None = config.notify_contact if config else None
    if contact is not None and contact.is_active and contact.email:
        out.append((contact.email, contact.language, False))
    return out


def _remind_company(company: Company, items: list[ExpiringItem], today: dt.date,
                    config: ExpirySettings | None) -> int:  # fmt: skip
    """Claim the company's due steps and queue one mail per recipient, in one transaction. With
    nobody to tell, nothing is claimed: a manager named later still gets the reminder."""
    recipients = _recipients(company, config)
    if not recipients:
        return 0
    steps = _steps_of(config)
    sent: dict[tuple[str, int, str, dt.date], set[int]] = defaultdict(set)
    for r in ExpiryReminder.objects.filter(object_id__in=[i.object_id for i in items],
                                           expires_on__gte=today):  # fmt: skip
        sent[(r.kind, r.object_id, r.parameter, r.expires_on)].add(r.step_days)
    with transaction.atomic():
        claimed = [i for i in items if _claim(i, steps, today, sent[
            (i.kind, i.object_id, i.parameter, i.expires_on)], [a for a, _l, _s in recipients])]  # fmt: skip
        for address, language, links in recipients if claimed else []:
            _send(address, language, company, [_line(i, today, with_link=links) for i in claimed])
    return len(claimed)


def expiry_reminders_send(*, today: dt.date | None = None) -> int:
    """Send today's due reminders, one mail per recipient and company; the number of items."""
    today = today or timezone.localdate()
    configs = {c.company_id: c for c in ExpirySettings.objects.select_related("notify_contact")}
    longest = max([*_steps_of(None), *(max(_steps_of(c)) for c in configs.values())])
    items = expiring_items(equipment=Equipment.objects.all(), contracts=Contract.objects.all(),
                           first=today, last=today + dt.timedelta(days=longest))  # fmt: skip
    by_company: dict[int, list[ExpiringItem]] = defaultdict(list)
    for item in items:
        by_company[item.company_id].append(item)
    companies = Company.objects.select_related("manager").in_bulk(list(by_company))
    return sum(
        _remind_company(companies[pk], rows, today, configs.get(pk))
        for pk, rows in by_company.items()
    )
