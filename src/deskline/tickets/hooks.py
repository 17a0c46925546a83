"""Synchronous reactions inside the ticket write path, in the writer's transaction.

Use this only for what must commit or roll back with the change itself: routing a new ticket,
computing SLA deadlines, pausing the SLA clock. Everything else (mail, webhooks, automation)
reacts asynchronously through `deskline.tickets.events.on_ticket_event`. A hook that raises
aborts the write. Apps register hooks in their AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable

from deskline.tickets.models import TicketEvent

SyncHook = Callable[[TicketEvent], None]
_hooks: list[tuple[int, str, SyncHook]] = []


def in_transaction(name: str, *, order: int = 100) -> Callable[[SyncHook], SyncHook]:
    """Register `hook(event)` to run right after each TicketEvent is written (lower order first)."""

    def register(hook: SyncHook) -> SyncHook:
        _hooks[:] = [h for h in _hooks if h[1] != name]
        _hooks.append((order, name, hook))
        _hooks.sort(key=lambda h: (h[0], h[1]))
        return hook

    return register


def remove_hook(name: str) -> None:
    _hooks[:] = [h for h in _hooks if h[1] != name]


def run_hooks(event: TicketEvent) -> None:
    for _, _, hook in list(_hooks):
        hook(event)
