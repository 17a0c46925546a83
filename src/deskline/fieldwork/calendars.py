"""Which calendar a maintenance visit follows, and the next working day in it.

The site's calendar, else the contract's (SLA settings), else the default one: the same order
the SLA uses for tickets (`sla.matching.choose_calendar`). No calendar at all: every day works.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache

from deskline.fieldwork import recurrence
from deskline.fieldwork.maintenance_models import MaintenancePlan
from deskline.sla import matching
from deskline.sla.resolve import configuration, work_calendar_by_id


def calendar_id_for(*, site_id: int | None, contract_id: int | None) -> int | None:
    config = configuration()
    contract_calendar = config.contracts.get(contract_id, (None, None))[1] if contract_id else None
    return matching.choose_calendar(
        site_calendar_id=config.sites.get(site_id) if site_id else None,
        contract_calendar_id=contract_calendar,
        policy_calendar_id=None,
        default_calendar_id=config.default_calendar_id,
    ).calendar_id


def finder_for_calendar(calendar_id: int | None) -> Callable[[dt.date], dt.date]:
    """`day -> the first working day on or after it` in that calendar (memoised per day)."""
    if calendar_id is None:
        return lambda day: day
    calendar = work_calendar_by_id(calendar_id)

    @lru_cache(maxsize=4096)
    def find(day: dt.date) -> dt.date:
        return recurrence.to_working_day(day, lambda d: bool(calendar.schedule_for(d)))

    return find


def working_day_finder(plan: MaintenancePlan) -> Callable[[dt.date], dt.date]:
    return finder_for_calendar(calendar_id_for(site_id=plan.site_id, contract_id=plan.contract_id))
