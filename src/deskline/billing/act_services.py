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
from collections.abc import Callable, Iterator

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
from deskline.billing.documents import act_lines, charge_totals, document_build, provider_party
from deskline.billing.events import act_snapshot, billing_event_record
from deskline.billing.models import Act, ActCounter, ActStatus, Charge, CompanyBilling
from deskline.clients.models import Company
from deskline.core.errors import NotFound, ValidationFailed
from deskline.tickets.models import Ticket


def _locked(charges: QuerySet[Charge]) -> list[Charge]:
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


def _draft(
    *, actor: User | None, company: Company, charges: list[Charge],
    ticket: Ticket | None = None, period: tuple[dt.date, dt.date] | None = None,
    billing: CompanyBilling | None = None,
) -> Act:  # fmt: skip
    """A draft act of `charges` (locked, one currency); they keep it until it is cancelled."""
    sums = charge_totals(charges)
    act = Act.objects.create(
        company=company, ticket=ticket, currency=charges[0].currency,
        language=billing.language if billing else "ru",
        period_start=period[0] if period else None, period_end=period[1] if period else None,
        net=sums.net, vat=sums.vat, total=sums.total,
        created_by=actor if actor is not None and actor.pk else None,
    )  # fmt: skip
    Charge.objects.filter(pk__in=[c.pk for c in charges]).update(act=act)
    for charge in charges:
        charge.act = act
    billing_event_record(kind="act_drafted", actor=act.created_by, subject=f"act:{act.pk}",
                         ticket_id=act.ticket_id, company_id=company.pk,
                         after=act_snapshot(act))  # fmt: skip
    return act


@transaction.atomic
def act_create_for_ticket(*, actor: User, ticket_number: int, currency: str | None = None) -> Act:
    """A draft act of the ticket's charges not yet in an act (one currency per act)."""
    require_act_issuer(actor)
    ticket = ticket_for_charges(actor, ticket_number, write=True)
    if ticket.company is None:
        raise ValidationFailed("the ticket has no company to bill")
    charges = _locked(Charge.objects.filter(ticket=ticket, act__isnull=True))
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
    charges = _locked(Charge.objects.filter(company_id=company_id, act__isnull=True,
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


def companies_to_bill(year: int, month: int) -> Iterator[int]:
    """Ids of companies with unbilled charges in the month, streamed in id order."""
    period = month_bounds(year, month)
    ids = (
        Charge.objects.filter(
            act__isnull=True, work_date__range=period, ticket__company__isnull=False
        )  # fmt: skip
        .values_list("ticket__company_id", flat=True)
        .distinct()
        .order_by("ticket__company_id")
    )
    yield from ids.iterator(chunk_size=500)


def acts_monthly_run(
    *, year: int, month: int, issue: bool = False, on_act: Callable[[Act], None] | None = None
) -> dict[str, int]:
    """Draft (and optionally issue) every company's acts for the month, one company per
    transaction, so a failure stops at one company and a rerun continues where it stopped.
    `on_act` receives each act after its company's transaction committed (e.g. to write its
    PDF); only one company's rows are in memory at a time."""
    companies = acts = 0
    provider = provider_party()
    for company_id in companies_to_bill(year, month):
        with transaction.atomic():
            drafted = _drafts_for_month(actor=None, company_id=company_id, year=year,
                                        month=month)  # fmt: skip
            for act, lines in drafted:
                if issue:
                    _issue(act, actor=None, charges=lines, provider=provider)
        for act, _lines in drafted:
            if on_act is not None:
                on_act(act)
        companies += 1
        acts += len(drafted)
    return {"companies": companies, "acts": acts}


def counter_next(kind: str, year: int) -> int:
    """The next number of `kind` in `year`, from its counter row locked FOR UPDATE until the
    caller's transaction ends (created on first use; a concurrent creator's row is locked)."""
    counter = ActCounter.objects.select_for_update().filter(kind=kind, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                ActCounter.objects.create(kind=kind, year=year, last=0)
        except IntegrityError:
            pass  # another transaction created it first; lock theirs
        counter = ActCounter.objects.select_for_update().get(kind=kind, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _locked_act(actor: User, act_id: int) -> Act:
    act_get_visible(actor, act_id)
    return (
        Act.objects.select_for_update(of=("self",))
        .select_related("company", "ticket")
        .get(pk=act_id)
    )


def _issue(
    act: Act, *, actor: User | None, charges: list[Charge] | None = None,
    provider: dict[str, str] | None = None,
) -> Act:  # fmt: skip
    """Number the act and freeze its document; `charges` are its lines when the caller holds
    them (the monthly run), otherwise they are read."""
    if act.status != ActStatus.DRAFT:
        raise ValidationFailed(f"the act is {act.status}, not a draft")
    if charges is None:
        charges = list(act_lines(act))
    if not charges:
        raise ValidationFailed("the act has no charges")
    before = act_snapshot(act)
    now = timezone.now()
    year = timezone.localdate(now).year
    act.year, act.number = year, counter_next("act", year)
    act.issued_at, act.status = now, ActStatus.ISSUED
    sums = charge_totals(charges)
    act.net, act.vat, act.total = sums.net, sums.vat, sums.total
    act.snapshot = document_build(act, charges, provider=provider)
    act.save()
    billing_event_record(kind="act_issued", actor=actor, subject=f"act:{act.pk}",
                         ticket_id=act.ticket_id, company_id=act.company_id, before=before,
                         after=act_snapshot(act))  # fmt: skip
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
