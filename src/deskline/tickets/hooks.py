"""Synchronous reactions inside the ticket write path, in the writer's transaction.

Use this only for what must commit or roll back with the change itself: routing a new ticket,
computing SLA deadlines, pausing the SLA clock. Everything else (mail, webhooks, automation)
reacts asynchronously through `deskline.tickets.events.on_ticket_event`. A hook that raises
aborts the write. Apps register hooks in their AppConfig.ready().

`before_insert` hooks see a new ticket before its row is written, to fill derived columns
(SLA deadlines) in the INSERT itself: a later UPDATE of an indexed column would rewrite every
one of the ticket's index entries a second time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from deskline.tickets.models import Ticket, TicketEvent

SyncHook = Callable[[TicketEvent], None]
PrepareHook = Callable[[Ticket], None]
H = TypeVar("H", bound=Callable[..., None])
_hooks: list[tuple[int, str, Any]] = []
_preparers: list[tuple[int, str, Any]] = []


def _registrar(registry: list[tuple[int, str, Any]], name: str, order: int) -> Callable[[H], H]:
    def register(hook: H) -> H:
        registry[:] = [h for h in registry if h[1] != name]
        registry.append((order, name, hook))
        registry.sort(key=lambda h: (h[0], h[1]))
        return hook

    return register


def in_transaction(name: str, *, order: int = 100) -> Callable[[SyncHook], SyncHook]:
    """Register `hook(event)` to run right after each TicketEvent is written (lower order first)."""
    return _registrar(_hooks, name, order)


def before_insert(name: str, *, order: int = 100) -> Callable[[PrepareHook], PrepareHook]:
    """Register `hook(ticket)` to run on each new ticket just before its row is written."""
    return _registrar(_preparers, name, order)


def remove_hook(name: str) -> None:
    for registry in (_hooks, _preparers):
        registry[:] = [h for h in registry if h[1] != name]


def run_hooks(event: TicketEvent) -> None:
    for _, _, hook in list(_hooks):
        hook(event)


def run_before_insert(ticket: Ticket) -> None:
    for _, _, hook in list(_preparers):
        hook(ticket)
