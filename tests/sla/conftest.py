"""Fixtures for SLA tests: a controllable clock and the seeded default policy/calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from deskline.sla.models import Calendar, SlaPolicy
from deskline.tickets.models import Priority, Status

MOSCOW = ZoneInfo("Europe/Moscow")


def msk(day: int, hour: int = 0, minute: int = 0, month: int = 3) -> dt.datetime:
    """Wall-clock time in Moscow in 2026 (March 16 is a Monday without holidays)."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=MOSCOW)


class Clock:
    def __init__(self) -> None:
        self.now = msk(16, 10)

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, instant: dt.datetime) -> None:
        self.now = instant


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(timezone, "now", fake)
    return fake


@pytest.fixture
def business(db: None) -> Calendar:
    return Calendar.objects.get(is_default=True)


@pytest.fixture
def standard(db: None) -> SlaPolicy:
    return SlaPolicy.objects.get(is_default=True)


def priority(code: str) -> Priority:
    return Priority.objects.get(code=code)


def status(code: str) -> Status:
    return Status.objects.get(code=code)


StatusMover = Callable[..., object]
