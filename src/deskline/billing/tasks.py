"""Background jobs of the billing app: the monthly run of acts for every company."""

from __future__ import annotations

from django_tasks import task

from deskline.billing.monthly_run import acts_monthly_run


@task()
def billing_monthly_acts(*, year: int, month: int, issue: bool = False) -> dict[str, int]:
    """Takes the month, not ids: the run skips charges already in an act, so it may run twice."""
    return acts_monthly_run(year=year, month=month, issue=issue)
