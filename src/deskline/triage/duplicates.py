"""Probable duplicates and mass incidents, found when a ticket is created.

A decider (`duplicates_decide`, before the create's write transaction: the reads and the text
comparison hold no lock) finds them, and an in-transaction observer of the `created` event
writes what it found (only triage's tables):

- a new ticket whose text is close (`DUPLICATE_AT`) to an open ticket of the same contact
  from the last `DUPLICATE_DAYS` days is flagged as a probable duplicate of the closest one;
- when open tickets of at least `MASS_COMPANIES` different companies, on the same equipment
  model or at the same site address, created within `MASS_WINDOW`, read alike
  (`MASS_AT`), a mass incident is proposed (or the open proposal grows); an agent accepts it
  on the ticket page, which makes the parent ticket and links the children.

`similar_open_tickets` asks the duplicate question of a ticket not yet saved: the intake form
warns "similar open tickets: #N" before the agent saves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from deskline.accounts.models import User
from deskline.tickets.access import tickets_visible_to
from deskline.tickets.models import OPEN_PHASES, Ticket, TicketEvent
from deskline.tickets.payloads import Created
from deskline.triage.linear_text import normalise
from deskline.triage.models import DuplicateFlag, MassIncident
from deskline.triage.selectors import ticket_text
from deskline.triage.similarity import most_similar

DUPLICATE_AT = 0.35
DUPLICATE_DAYS = 30
MASS_AT = 0.25
MASS_COMPANIES = 3
MASS_WINDOW = dt.timedelta(hours=4)
CANDIDATES = 200


def _text(row: Mapping[str, Any]) -> str:
    return ticket_text(row["title"], row["description"])


def _open_lookalikes(
    candidates: QuerySet[Ticket], text: str, at: dt.datetime, *, limit: int
) -> list[tuple[Mapping[str, Any], float]]:
    """The recent open tickets among `candidates` that read like `text`, most alike first."""
    rows = list(
        candidates.filter(phase__in=OPEN_PHASES, merged_into__isnull=True,
                          created_at__gte=at - dt.timedelta(days=DUPLICATE_DAYS))
        .order_by("-created_at")
        .values("pk", "number", "title", "description")[:CANDIDATES]
    )  # fmt: skip
    if not rows:
        return []
    alike = most_similar(text, [_text(r) for r in rows], at_least=DUPLICATE_AT, limit=limit)
    return [(rows[index], score) for index, score in alike]


def _duplicate_of(ticket: Ticket, text: str, at: dt.datetime) -> dict[str, Any] | None:
    if ticket.contact_id is None:
        return None
    same_contact = Ticket.objects.filter(contact_id=ticket.contact_id).exclude(pk=ticket.pk)
    best = _open_lookalikes(same_contact, text, at, limit=1)
    if not best:
        return None
    row, score = best[0]
    return {"ticket_id": row["pk"], "similarity": score}


@dataclass(frozen=True)
class SimilarTicket:
    number: int
    title: str
    similarity: float


def similar_open_tickets(
    *, user: User, contact_id: int | None, title: str, description: str, limit: int = 3
) -> list[SimilarTicket]:
    """The open tickets of the contact, among those `user` may see, that a ticket not yet saved
    would probably duplicate (the duplicate flag's rule, asked before saving)."""
    text = ticket_text(title, description)
    if contact_id is None or not normalise(text):
        return []
    theirs = tickets_visible_to(user).filter(contact_id=contact_id)
    return [
        SimilarTicket(row["number"], row["title"], score)
        for row, score in _open_lookalikes(theirs, text, timezone.now(), limit=limit)
    ]


def _keys(ticket: Ticket) -> list[tuple[str, str, Q]]:
    keys = []
    equipment = ticket.equipment
    if equipment is not None and equipment.model_id is not None:
        keys.append((f"equipment_model:{equipment.model_id}", str(equipment.model),
                     Q(equipment__model_id=equipment.model_id)))  # fmt: skip
    site = ticket.site
    if site is not None and site.address.strip():
        address = normalise(site.address)
        keys.append(
            (f"address:{address}"[:300], site.address, Q(site__address__iexact=site.address))
        )
    return keys


def _mass_match(ticket: Ticket, text: str, at: dt.datetime) -> dict[str, Any] | None:
    """The first place (equipment model, site address) where open tickets of enough other
    companies read like this one: its key, label and those tickets."""
    for key, label, same_place in _keys(ticket):
        rows = list(
            Ticket.objects.filter(same_place, phase__in=OPEN_PHASES, created_at__gte=at - MASS_WINDOW)
            .exclude(pk=ticket.pk).exclude(company=ticket.company)
            .values("pk", "title", "description", "company_id")[:CANDIDATES]
        )  # fmt: skip
        if not rows:
            continue
        alike = most_similar(text, [_text(r) for r in rows], at_least=MASS_AT, limit=CANDIDATES)
        matched = [rows[i] for i, _score in alike]
        companies = {r["company_id"] for r in matched} | {ticket.company_id}
        if len(companies - {None}) >= MASS_COMPANIES:
            return {"key": key, "label": label[:300], "ticket_ids": [r["pk"] for r in matched]}
    return None


def duplicates_decide(ticket: Ticket, facts: dict[str, Any]) -> dict[str, Any] | None:
    """The decider (before the create's write): the open ticket this one probably duplicates
    and the mass incident it belongs to, each read and compared outside the write lock."""
    at = ticket.created_at or timezone.now()
    text = ticket_text(ticket.title, ticket.description)
    record = {"duplicate_of": _duplicate_of(ticket, text, at)}
    if ticket.company_id is not None:
        record["mass"] = _mass_match(ticket, text, at)
    found = {name: value for name, value in record.items() if value is not None}
    return found or None


def _propose_mass_incident(ticket: Ticket, mass: Mapping[str, Any], at: dt.datetime) -> None:
    incident = MassIncident.objects.filter(
        key=mass["key"], state=MassIncident.State.PROPOSED, updated_at__gte=at - MASS_WINDOW
    ).first()
    if incident is None:
        incident = MassIncident.objects.create(key=mass["key"], label=mass["label"],
                                               title=ticket.title, created_at=at, updated_at=at)  # fmt: skip
    else:
        incident.updated_at = at
        incident.save(update_fields=["updated_at"])
    incident.tickets.add(ticket.pk, *mass["ticket_ids"])


def duplicates_on_created(event: TicketEvent) -> None:
    """The in-transaction observer: writes what `duplicates_decide` found (the flag, the
    proposal), so the write lock is not held while texts are compared."""
    if not isinstance(event.payload, Created):
        return
    found = event.payload.decisions.get("duplicates") or {}
    ticket, at = event.ticket, event.created_at
    duplicate = found.get("duplicate_of")
    if duplicate is not None:
        DuplicateFlag.objects.create(ticket_id=ticket.pk, of_ticket_id=duplicate["ticket_id"],
                                     similarity=duplicate["similarity"], created_at=at)  # fmt: skip
    if found.get("mass") is not None:
        _propose_mass_incident(ticket, found["mass"], at)
