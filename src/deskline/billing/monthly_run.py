"""The monthly run: every company's acts for a month, drafted (and optionally issued) in one
go for all companies, a batch of companies per transaction.

A batch costs the same dozen statements whatever it holds (companies with their billing rows,
their charges locked FOR UPDATE, the work done on their tickets, one counter bump for all the
act numbers, the acts, the charges linked, the events) instead of a dozen per company: the
acts, their numbers, documents and events are those `act_create_for_month` and `act_issue`
give one company at a time (tested side by side). A failure rolls back its batch only; a rerun
continues with the companies still unbilled. Only one batch's rows are in memory at a time.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from deskline.billing.act_services import (
    counter_next,
    draft_act,
    drafted_event,
    issue_fields,
    issued_event,
    locked_charges,
    month_bounds,
)
from deskline.billing.documents import act_ticket_ids, provider_party
from deskline.billing.events import act_snapshot
from deskline.billing.models import Act, BillingEvent, Charge
from deskline.clients.models import Company
from deskline.fieldwork.selectors import work_done_by_group

#: Companies per transaction: large enough that per-statement round trips stop mattering,
#: small enough that a batch's charges (~35 a company) sit comfortably in memory.
BATCH_SIZE = 100


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


def _in_batches(ids: Iterator[int], size: int) -> Iterator[list[int]]:
    while batch := list(itertools.islice(ids, size)):
        yield batch


def _bill_batch(
    company_ids: list[int], period: tuple[dt.date, dt.date], *, issue: bool,
    provider: dict[str, str],
) -> list[Act]:  # fmt: skip
    """Draft (and issue) the acts of these companies' unbilled charges in the period: one act
    per company and currency, in company id then currency order, lines by work date."""
    companies = Company.objects.select_related("billing").in_bulk(company_ids)
    unbilled = Charge.objects.filter(company_id__in=company_ids, act__isnull=True,
                                     work_date__range=period)  # fmt: skip
    groups: dict[tuple[int, str], list[Charge]] = {}
    for charge in locked_charges(unbilled):
        assert charge.company_id is not None
        groups.setdefault((charge.company_id, charge.currency), []).append(charge)
    keys = sorted(groups)
    acts = []
    for company_id, currency in keys:
        company = companies[company_id]
        acts.append(draft_act(actor=None, company=company, charges=groups[company_id, currency],
                              period=period, billing=getattr(company, "billing", None)))  # fmt: skip
    drafts = [act_snapshot(act) for act in acts]
    if issue and acts:
        now = timezone.now()
        first = counter_next("act", timezone.localdate(now).year, count=len(acts))
        work = work_done_by_group({k: act_ticket_ids(act, groups[k]) for k, act in zip(keys, acts, strict=True)},
                                  settings.TIME_ZONE)  # fmt: skip
        for n, (key, act) in enumerate(zip(keys, acts, strict=True)):
            issue_fields(act, groups[key], number=first + n, now=now, provider=provider,
                         work=work[key])  # fmt: skip
    Act.objects.bulk_create(acts)
    whens = [
        When(company_id=k[0], currency=k[1], then=Value(act.pk))
        for k, act in zip(keys, acts, strict=True)
    ]
    if whens:
        unbilled.update(act_id=Case(*whens, output_field=IntegerField()))
    # In the order billing one company at a time records them: its drafts, then its issues.
    events: list[BillingEvent] = []
    for _company_id, made in itertools.groupby(
        zip(acts, drafts, strict=True), key=lambda p: p[0].company_id
    ):
        pairs = list(made)
        events += [drafted_event(act, snapshot=before) for act, before in pairs]
        if issue:
            events += [issued_event(act, actor=None, before=before) for act, before in pairs]
    BillingEvent.objects.bulk_create(events)
    return acts


def acts_monthly_run(
    *, year: int, month: int, issue: bool = False, on_act: Callable[[Act], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> dict[str, int]:  # fmt: skip
    """Draft (and optionally issue) every company's acts for the month. `on_act` receives each
    act after its batch's transaction committed (e.g. to write its PDF)."""
    companies = acts = 0
    provider = provider_party()
    period = month_bounds(year, month)
    for company_ids in _in_batches(companies_to_bill(year, month), batch_size):
        with transaction.atomic():
            made = _bill_batch(company_ids, period, issue=issue, provider=provider)
        for act in made:
            if on_act is not None:
                on_act(act)
        companies += len(company_ids)
        acts += len(made)
    return {"companies": companies, "acts": acts}
