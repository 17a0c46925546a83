"""Deciders: what other apps decide about a new ticket before its row is written.

`ticket_create` builds the unsaved ticket from the caller's values, then runs the deciders by
stage: "predict" (triage's classifiers), "route" (routing rules and the team's assignment
strategy), "derive" (SLA policy and deadlines). A decider is `fn(ticket, facts) -> record`:

- `ticket` is the unsaved instance: the decider may set the fields it decides (never one the
  caller chose) and the derived columns it owns;
- `facts` is the routing facts of the proposed ticket (see `routing.facts`); a decider may add
  facts for later stages (triage adds `predicted.<field>` and `predicted.<field>.confidence`);
- `record` is a JSON-able account of what it decided and why (or None when it had nothing to
  say); the create stores it in the one `created` event under the decider's name.

Stages run in order; within a stage deciders must not depend on each other. Deciders never call
ticket services and never write tickets: the create applies their decisions in its one INSERT.
A record may hold `observer_ids` (staff to add as observers); the create adds them.

The create runs the deciders before it opens its transaction, so the write lock (on SQLite, the
whole database's) is held only for the writes. A decider whose choice is sound only under a lock
held until the new ticket commits (a least-loaded assignment reads loads the ticket will change)
registers `needs_transaction`, a cheap check; while it says yes, the create decides inside its
transaction instead. A decider whose first call is slow (a model trained or loaded once per
process) registers `warm`; long-running processes that create tickets (the task worker, the
pollers) call `warm_deciders()` at start, so the first client's message does not pay for it.

Derivers do the same for every later change: `fn(ticket, payload, at) -> {column: value}` gets
the ticket with the change applied in memory and the change's typed payload, and returns the
derived columns the change moves (SLA deadlines, reaction time, breach flags); the service
writes them in its own UPDATE.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from deskline.tickets.models import Ticket
    from deskline.tickets.payloads import Payload

STAGES = ("predict", "route", "derive")
Decider = Callable[["Ticket", dict[str, Any]], Any]
_deciders: dict[str, dict[str, Decider]] = {stage: {} for stage in STAGES}
_needs_transaction: dict[str, Callable[[], bool]] = {}
_warmers: dict[str, Callable[[], object]] = {}


def ticket_decider(
    name: str,
    *,
    stage: str,
    needs_transaction: Callable[[], bool] | None = None,
    warm: Callable[[], object] | None = None,
) -> Callable[[Decider], Decider]:
    """Register `fn(ticket, facts) -> record` for a stage under a unique name."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; one of {STAGES}")

    def register(fn: Decider) -> Decider:
        remove_decider(name)
        _deciders[stage][name] = fn
        if needs_transaction is not None:
            _needs_transaction[name] = needs_transaction
        if warm is not None:
            _warmers[name] = warm
        return fn

    return register


def remove_decider(name: str) -> None:
    for registered in _deciders.values():
        registered.pop(name, None)
    _needs_transaction.pop(name, None)
    _warmers.pop(name, None)


def warm_deciders() -> None:
    """Do every decider's slow first-call work now (see the module)."""
    for warm in list(_warmers.values()):
        warm()


def has_deciders() -> bool:
    return any(_deciders.values())


def deciders_need_transaction() -> bool:
    """True when some decider must run inside the create's transaction (see the module)."""
    return any(check() for check in list(_needs_transaction.values()))


def run_deciders(ticket: Ticket, facts: dict[str, Any]) -> dict[str, Any]:
    """Run every stage in order; the records by decider name (None records left out)."""
    records: dict[str, Any] = {}
    for stage in STAGES:
        for name, fn in sorted(_deciders[stage].items()):
            record = fn(ticket, facts)
            if record is not None:
                records[name] = record
    return records


Deriver = Callable[["Ticket", "Payload", "datetime"], dict[str, Any]]
_derivers: dict[str, Deriver] = {}


def ticket_deriver(name: str) -> Callable[[Deriver], Deriver]:
    """Register `fn(ticket, payload, at) -> {column: value}` under a unique name."""

    def register(fn: Deriver) -> Deriver:
        _derivers[name] = fn
        return fn

    return register


def remove_deriver(name: str) -> None:
    _derivers.pop(name, None)


def run_derivers(ticket: Ticket, payload: Payload, at: datetime) -> dict[str, Any]:
    """Every deriver's columns for this change; only values that differ from the ticket's."""
    columns: dict[str, Any] = {}
    for _, fn in sorted(_derivers.items()):
        columns.update(fn(ticket, payload, at))
    return {name: value for name, value in columns.items() if getattr(ticket, name) != value}
