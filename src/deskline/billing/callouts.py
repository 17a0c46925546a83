"""Which call-out fee a finished visit costs (pure: no ORM).

Rules are tried in their order and the first that matches decides: a rule may ask that the
visit's site is outside the contract's covered sites, that the visit started at night (a window
that may wrap past midnight, in the site's time zone) or on a weekend; a condition a rule does
not ask about matches anything. The matching rule names a catalogue item and a quantity ("night
visit × 1.5" is the call-out item at quantity 1.5). No rule matching means no call-out fee
(e.g. a visit to a covered site on a weekday)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CalloutTerms:
    key: int
    item_id: int
    quantity: Decimal
    only_outside_coverage: bool = False
    only_night: bool = False
    only_weekend: bool = False
    night_starts: dt.time = dt.time(22)
    night_ends: dt.time = dt.time(6)


@dataclass(frozen=True)
class VisitFacts:
    local_start: dt.datetime  # in the site's zone
    covered: bool


def is_night(moment: dt.time, starts: dt.time, ends: dt.time) -> bool:
    if starts == ends:
        return False
    if starts < ends:
        return starts <= moment < ends
    return moment >= starts or moment < ends  # the window wraps past midnight


def matches(rule: CalloutTerms, visit: VisitFacts) -> bool:
    if rule.only_outside_coverage and visit.covered:
        return False
    if rule.only_weekend and visit.local_start.weekday() < 5:
        return False
    return not (rule.only_night
                and not is_night(visit.local_start.time(), rule.night_starts, rule.night_ends))  # fmt: skip


def callout_for(rules: Sequence[CalloutTerms], visit: VisitFacts) -> CalloutTerms | None:
    """The first rule (in order) that the visit matches, or None."""
    return next((r for r in rules if matches(r, visit)), None)
