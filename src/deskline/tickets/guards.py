"""Status guards: conditions other apps put on moving a ticket into a phase.

A guard is `fn(*, ticket, target) -> dict[str, str]` (an empty dict lets the move happen;
otherwise each entry names what is missing, e.g. {"checklist": "3 required items are not
ticked"}). `ticket_change_status` runs every guard before it writes and refuses the move with a
422 that lists all their messages, so the agent sees everything that blocks resolving at once.
Guards read; they never write. Apps register theirs in AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deskline.tickets.models import Status, Ticket

StatusGuard = Callable[..., dict[str, str]]
_guards: dict[str, StatusGuard] = {}


def status_guard(name: str) -> Callable[[StatusGuard], StatusGuard]:
    """Register `fn(*, ticket, target)` under a unique name (registering again replaces it)."""

    def register(fn: StatusGuard) -> StatusGuard:
        _guards[name] = fn
        return fn

    return register


def remove_guard(name: str) -> None:
    _guards.pop(name, None)


def guard_problems(ticket: Ticket, target: Status) -> dict[str, str]:
    """What every registered guard says against moving `ticket` to `target` (empty: allowed)."""
    problems: dict[str, str] = {}
    for _, guard in sorted(_guards.items()):
        problems.update(guard(ticket=ticket, target=target))
    return problems
