"""Background jobs of the SLA app: bulk recompute, and the periodic escalation/risk run."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from deskline.sla.escalation import sla_escalate
from deskline.sla.prediction import risk_update
from deskline.sla.recompute import deadlines_recompute


@task()
def sla_recompute(*, calendar_ids: list[int], policy_ids: list[int]) -> int:
    """Recompute open tickets after a calendar or policy change (ids given; may run twice)."""
    if not calendar_ids and not policy_ids:
        return deadlines_recompute()
    changed = deadlines_recompute(calendar_ids=calendar_ids) if calendar_ids else 0
    return changed + (deadlines_recompute(policy_ids=policy_ids) if policy_ids else 0)


def sla_run(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {**sla_escalate(now), **risk_update(now)}


@task()
def sla_tick(*, reschedule_seconds: int = 0) -> dict[str, int]:
    """One escalation and risk run; with reschedule_seconds it enqueues its next run.

    Start the chain once (e.g. `sla_tick.enqueue(reschedule_seconds=60)`); a duplicate chain
    only costs work, since every step fires once per ticket anyway.
    """
    result = sla_run()
    if reschedule_seconds > 0:
        later = timezone.now() + dt.timedelta(seconds=reschedule_seconds)
        sla_tick.using(run_after=later).enqueue(reschedule_seconds=reschedule_seconds)
    return result
