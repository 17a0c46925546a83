"""Writes of acts: drafting from a ticket's or a company's monthly charges, issuing with a
number without gaps, signing and cancelling; each records its `BillingEvent`.

Numbers: one `ActCounter` row per year, locked FOR UPDATE by the issuing transaction, which takes
the next number and writes the act before it commits. A rolled-back issue never consumed its
number (the counter's update rolls back with it), so the numbers of a year have no gaps, and two
issuers wait for each other on the row instead of taking the same number. A cancelled act keeps
its number; its charges are released to be billed again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from deskline.accounts.models import User
from deskline.billing.access import (
    act_get_visible,
    require_act_canceller,
    require_act_issuer,
    ticket_for_charges,
)
from deskline.billing.documents import act_lines, charge_totals, document_build
from deskline.billing.events import act_snapshot, billing_event_record
from deskline.billing.models import (
    Act,
    ActCounter,
    ActStatus,
    BillingEvent,
    Charge,
    CompanyBilling,
)
from deskline.clients.models import Company
from deskline.core.errors import NotFound, ValidationFailed
from deskline.fieldwork.selectors import WorkDone
from deskline.tickets.models import Ticket


def locked_charges(charges: QuerySet[Charge]) -> list[Charge]:
    """The charges locked FOR UPDATE, with the ticket and item their printed lines name."""
    rows = charges.select_for_update(of=("self",)).select_related("item")
    return list(rows.annotate(ticket_number=F("ticket__number")).order_by("work_date", "pk"))


def _one_currency(charges: list[Charge], currency: str | None) -> str:
    found = sorted({c.currency for c in charges})
    if not found:
        raise ValidationFailed("there are no charges to put in an act")
    if currency is None:
        if len(found) > 1:
            raise ValidationFailed("the charges are in several currencies; choose one",
                                   fields={"currency": f"one of {found}"})  # fmt: skip
        return found[0]
    if currency not in found:
        raise ValidationFailed("no charges in this currency", fields={"currency": str(found)})
    return currency


def _billing_of(company: Company) -> CompanyBilling | None:
    return CompanyBilling.objects.filter(company=company).first()


def draft_act(
    *, actor: User | None, company: Company, charges: list[Charge],
    ticket: Ticket | None = None, period: tuple[dt.date, dt.date] | None = None,
    billing: CompanyBilling | None = None,
) -> Act:  # fmt: skip
    """The draft act of `charges` (one currency), not saved yet."""
    sums = charge_totals(charges)
    return Act(
        company=company, ticket=ticket, currency=charges[0].currency,
        language=billing.language if billing else "ru",
        period_start=period[0] if period else None, period_end=period[1] if period else None,
        net=sums.net, vat=sums.vat, total=sums.total,
        created_by=actor if actor is not None and actor.pk else None,
    )  # fmt: skip


def drafted_event(act: Act, *, snapshot: dict[str, Any] | None = None) -> BillingEvent:
    """The draft's event; `snapshot` is the draft's when the act was issued since."""
    return billing_event_record(kind="act_drafted", actor=act.created_by,
                                subject=f"act:{act.pk}", ticket_id=act.ticket_id,
                                company_id=act.company_id, after=snapshot or act_snapshot(act),
                                save=False)  # fmt: skip


def _draft(
    *, actor: User | None, company: Company, charges: list[Charge],
    ticket: Ticket | None = None, period: tuple[dt.date, dt.date] | None = None,
    billing: CompanyBilling | None = None,
) -> Act:  # fmt: skip
    """A draft act of `charges` (locked, one currency); they keep it until it is cancelled."""
    act = draft_act(actor=actor, company=company, charges=charges, ticket=ticket, period=period,
                    billing=billing)  # fmt: skip
    act.save(force_insert=True)
    Charge.objects.filter(pk__in=[c.pk for c in charges]).update(act=act)
    for charge in charges:
        charge.act = act
    drafted_event(act).save(force_insert=True)
    return act


@transaction.atomic
def act_create_for_ticket(*, actor: User, ticket_number: int, currency: str | None = None) -> Act:
    """A draft act of the ticket's charges not yet in an act (one currency per act)."""
    require_act_issuer(actor)
    ticket = ticket_for_charges(actor, ticket_number, write=True)
    if ticket.company is None:
        raise ValidationFailed("the ticket has no company to bill")
    charges = locked_charges(Charge.objects.filter(ticket=ticket, act__isnull=True))
    chosen = _one_currency(charges, currency)
    return _draft(actor=actor, company=ticket.company, ticket=ticket,
                  charges=[c for c in charges if c.currency == chosen],
                  billing=_billing_of(ticket.company))  # fmt: skip


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return start, following - dt.timedelta(days=1)


def _drafts_for_month(
    *, actor: User | None, company_id: int, year: int, month: int
) -> list[tuple[Act, list[Charge]]]:
    company = Company.objects.select_related("billing").filter(pk=company_id).first()
    if company is None:
        raise NotFound(f"company {company_id} not found")
    period = month_bounds(year, month)
    charges = locked_charges(Charge.objects.filter(company_id=company_id, act__isnull=True,
                                            work_date__range=period))  # fmt: skip
    billing = getattr(company, "billing", None)
    drafted = []
    for currency in sorted({c.currency for c in charges}):
        lines = [c for c in charges if c.currency == currency]
        act = _draft(actor=actor, company=company, charges=lines, period=period,
                     billing=billing)  # fmt: skip
        drafted.append((act, lines))
    return drafted


@transaction.atomic
def act_create_for_month(
    *, actor: User | None, company_id: int, year: int, month: int
) -> list[Act]:
    """Draft acts (one per currency) of a company's charges not yet in an act for the month."""
    if actor is not None:
        require_act_canceller(actor)
    drafted = _drafts_for_month(actor=actor, company_id=company_id, year=year, month=month)
    return [act for act, _lines in drafted]


def counter_next(kind: str, year: int, *, count: int = 1) -> int:
    """The next number of `kind` in `year` (the first of `count` consecutive ones), from its
    counter row locked FOR UPDATE until the caller's transaction ends (created on first use; a
    concurrent creator's row is locked)."""
    counter = ActCounter.objects.select_for_update().filter(kind=kind, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                ActCounter.objects.create(kind=kind, year=year, last=0)
        except IntegrityError:
            pass  # another transaction created it first; lock theirs
        counter = ActCounter.objects.select_for_update().get(kind=kind, year=year)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return first


def _locked_act(actor: User, act_id: int) -> Act:
    act_get_visible(actor, act_id)
    return (
        Act.objects.select_for_update(of=("self",))
        .select_related("company", "ticket")
        .get(pk=act_id)
    )


def issue_fields(
    act: Act, charges: list[Charge], *, number: int, now: dt.datetime,
    provider: dict[str, str] | None = None, work: WorkDone | None = None,
) -> None:  # fmt: skip
    """Number the act in memory and freeze its document (lines, totals, both parties)."""
    act.year, act.number = timezone.localdate(now).year, number
    act.issued_at, act.status = now, ActStatus.ISSUED
    sums = charge_totals(charges)
    act.net, act.vat, act.total = sums.net, sums.vat, sums.total
    act.snapshot = document_build(act, charges, provider=provider, work=work)


def issued_event(act: Act, *, actor: User | None, before: dict[str, Any]) -> BillingEvent:
    return billing_event_record(kind="act_issued", actor=actor, subject=f"act:{act.pk}",
                                ticket_id=act.ticket_id, company_id=act.company_id,
                                before=before, after=act_snapshot(act), save=False)  # fmt: skip


def _issue(act: Act, *, actor: User | None) -> Act:
    """Number the act and freeze its document from its charges."""
    if act.status != ActStatus.DRAFT:
        raise ValidationFailed(f"the act is {act.status}, not a draft")
    charges = list(act_lines(act))
    if not charges:
        raise ValidationFailed("the act has no charges")
    before = act_snapshot(act)
    now = timezone.now()
    number = counter_next("act", timezone.localdate(now).year)
    issue_fields(act, charges, number=number, now=now)
    act.save()
    issued_event(act, actor=actor, before=before).save(force_insert=True)
    return act


@transaction.atomic
def act_issue(*, actor: User, act_id: int) -> Act:
    require_act_issuer(actor)
    return _issue(_locked_act(actor, act_id), actor=actor)


@transaction.atomic
def act_sign(*, actor: User, act_id: int) -> Act:
    """The client signed the paper (or the engineer's phone): issued -> signed."""
    require_act_issuer(actor)
    act = _locked_act(actor, act_id)
    if act.status != ActStatus.ISSUED:
        raise ValidationFailed(f"the act is {act.status}; only an issued act is signed")
    before = act_snapshot(act)
    act.status, act.signed_at = ActStatus.SIGNED, timezone.now()
    act.save(update_fields=["status", "signed_at"])
    billing_event_record(kind="act_signed", actor=actor, subject=f"act:{act.pk}",
                         ticket_id=act.ticket_id, company_id=act.company_id, before=before,
                         after=act_snapshot(act))  # fmt: skip
    return act


@transaction.atomic
def act_cancel(*, actor: User, act_id: int) -> Act | None:
    """Cancel an act: a draft is discarded (None), an issued or signed act keeps its number and
    frozen lines. Either way its charges are free to go into another act."""
    require_act_canceller(actor)
    act = _locked_act(actor, act_id)
    if act.status == ActStatus.CANCELLED:
        raise ValidationFailed("the act is already cancelled")
    before = act_snapshot(act)
    act.charges.update(act=None)
    subject, ticket_id, company_id = f"act:{act.pk}", act.ticket_id, act.company_id
    if act.status == ActStatus.DRAFT:
        act.delete()
        billing_event_record(kind="act_discarded", actor=actor, subject=subject,
                             ticket_id=ticket_id, company_id=company_id, before=before)  # fmt: skip
        return None
    act.status, act.cancelled_at = ActStatus.CANCELLED, timezone.now()
    act.save(update_fields=["status", "cancelled_at"])
    billing_event_record(kind="act_cancelled", actor=actor, subject=subject, ticket_id=ticket_id,
                         company_id=company_id, before=before, after=act_snapshot(act))  # fmt: skip
    return act
