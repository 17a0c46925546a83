"""The one write path for tickets: every change to a ticket goes through a function here.

Each function is atomic, validates, writes, records a TicketEvent and enqueues the event's
dispatch job in the same transaction. Web forms, the API, mail intake and the admin all call
these functions; nothing else writes tickets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from deskline.accounts.models import Role, User
from deskline.accounts.system import system_user
from deskline.clients.selectors import contract_covering
from deskline.core.errors import PermissionDenied, ValidationFailed
from deskline.core.inserts import insert
from deskline.core.permissions import require_staff
from deskline.tickets import config_cache, payloads, search
from deskline.tickets import fields as ticket_fields
from deskline.tickets.access import contact_for_client
from deskline.tickets.conversation import attachment_add, comment_add, inline_images_link
from deskline.tickets.custom_fields import CustomFieldErrors, clean_custom_fields
from deskline.tickets.deciders import deciders_need_transaction, has_deciders, run_deciders
from deskline.tickets.events import event_record
from deskline.tickets.facts import ticket_facts
from deskline.tickets.guards import guard_problems
from deskline.tickets.models import (
    OPEN_PHASES,
    Channel,
    Phase,
    Status,
    StatusTransition,
    Ticket,
    TicketEvent,
    TicketType,
)
from deskline.tickets.numbering import next_ticket_number, number_in_insert
from deskline.tickets.relations import ticket_link, ticket_merge, ticket_unlink
from deskline.tickets.resolving import check_assignee, check_registry_fit, resolve
from deskline.tickets.writing import clean_body, lock_ticket, pk_of, would_cycle, write_change

UPDATABLE_FIELDS = ticket_fields.UPDATABLE
REQUIRED_REFERENCES = ticket_fields.REQUIRED
CLIENT_FIELDS = ticket_fields.CLIENT_SETS
Kind = TicketEvent.Kind


def _clean_title(title: str | None) -> str:
    cleaned = " ".join((title or "").replace("\x00", " ").split())
    if not cleaned:
        raise ValidationFailed("title is required", fields={"title": "must not be empty"})
    if len(cleaned) > 300:
        raise ValidationFailed("title is too long", fields={"title": "at most 300 characters"})
    return cleaned


def _clean_custom(
    ticket_type: TicketType, values: Mapping[str, Any], existing: Mapping[str, Any], client: bool
) -> dict[str, Any]:
    try:
        return clean_custom_fields(
            values,
            config_cache.field_definitions(ticket_type.pk, for_client=client),
            existing=existing,
            enforce_required=False,
        )
    except CustomFieldErrors as exc:
        raise ValidationFailed("invalid custom fields", fields=exc.errors) from exc


def _apply_contract(ticket: Ticket) -> None:
    """Find the covering contract; flag equipment that no live contract covers."""
    if ticket.company_id is None:
        ticket.not_covered = False
        return
    if ticket.contract_id is None:
        ticket.contract = contract_covering(
            company_id=ticket.company_id,
            site_id=ticket.site_id,
            equipment_id=ticket.equipment_id,
            day=timezone.localdate(),
        )
    ticket.not_covered = ticket.equipment_id is not None and ticket.contract_id is None


def _check_client_fields(actor: User, values: Mapping[str, Any]) -> None:
    refused = {
        k: "clients may not set this field"
        for k, v in values.items()
        if k not in CLIENT_FIELDS and v not in (None, [], {})
    }
    if refused:
        raise PermissionDenied("clients may not set these fields", fields=refused)


def ticket_create(
    *,
    actor: User | None,
    title: str,
    description: str = "",
    description_is_html: bool = False,
    channel: str = Channel.API,
    type_id: int | None = None,
    category_id: int | None = None,
    priority_id: int | None = None,
    company_id: int | None = None,
    contact_id: int | None = None,
    site_id: int | None = None,
    equipment_id: int | None = None,
    contract_id: int | None = None,
    team_id: int | None = None,
    assignee_id: int | None = None,
    parent_number: int | None = None,
    observer_ids: Sequence[int] = (),
    custom_fields: Mapping[str, Any] | None = None,
    on_behalf_of_contact: bool = False,
) -> Ticket:
    """Create a ticket from any channel. `actor` is None for anonymous channels (mail).

    `on_behalf_of_contact`: staff record the contact's own request (a phone call); the history
    names the contact as the requester. Without a company or contact, a staff member's ticket
    is internal, which the installation may forbid (`DESKLINE_INTERNAL_TICKETS`).

    Validation, lookups and the deciders run before the transaction opens (see `deciders`), so
    the write lock is held only for the writes: on SQLite it is the whole database's.
    """
    is_client = actor is not None and actor.role == Role.CONTACT
    if is_client:
        assert actor is not None
        _check_client_fields(actor, {
            "category_id": category_id, "priority_id": priority_id, "company_id": company_id,
            "contact_id": contact_id, "contract_id": contract_id, "team_id": team_id,
            "assignee_id": assignee_id, "parent_number": parent_number, "observer_ids": list(observer_ids),
        })  # fmt: skip
        contact = contact_for_client(actor)
        contact_id, company_id = contact.pk, contact.company_id
    ticket = Ticket(
        title=_clean_title(title),
        description=clean_body(description, is_html=description_is_html),
        channel=channel,
        type=resolve("type", type_id) or config_cache.default_type(),
        category=resolve("category", category_id),
        priority=resolve("priority", priority_id) or config_cache.default_priority(),
        company=resolve("company", company_id, actor),
        contact=resolve("contact", contact_id, actor),
        site=resolve("site", site_id, actor),
        equipment=resolve("equipment", equipment_id, actor),
        contract=resolve("contract", contract_id, actor),
        team=resolve("team", team_id),
        assignee=resolve("assignee", assignee_id),
        parent=resolve("parent", parent_number, actor),
        created_by=actor,
    )
    if is_client and not ticket.type.open_to_clients:
        raise ValidationFailed(
            "this ticket type is not open to clients", fields={"type_id": "not open to clients"}
        )
    check_registry_fit(ticket)
    _check_client_named(actor, ticket, on_behalf_of_contact)
    check_assignee(ticket.team, ticket.assignee)
    ticket.custom_fields = _clean_custom(ticket.type, custom_fields or {}, {}, is_client)
    _apply_contract(ticket)
    status = config_cache.initial_status()
    now = timezone.now()
    ticket.status, ticket.phase = status, status.phase
    ticket.created_at = ticket.updated_at = now
    observers = _staff_users(observer_ids) if observer_ids else []
    given = {"type_id": type_id, "priority_id": priority_id, "category_id": category_id,
             "team_id": team_id, "assignee_id": assignee_id}  # fmt: skip
    new = _NewTicket(ticket, actor, channel, observers, on_behalf_of_contact)
    if connection.in_atomic_block or deciders_need_transaction():
        with transaction.atomic():
            new.decisions = _decide(ticket, now, given, observers)
            return new.insert()
    new.decisions = _decide(ticket, now, given, observers)
    with transaction.atomic():
        return new.insert()


class _NewTicket:
    """A validated, decided ticket and what its INSERT needs, prepared outside the write."""

    def __init__(
        self,
        ticket: Ticket,
        actor: User | None,
        channel: str,
        observers: list[User],
        on_behalf_of_contact: bool,
    ) -> None:
        self.ticket, self.actor, self.channel, self.observers = ticket, actor, channel, observers
        self.on_behalf = ticket.contact.name if on_behalf_of_contact and ticket.contact else ""
        self.decisions: dict[str, Any] = {}
        self.searchable = search.searchable(search.ticket_text(ticket))  # no comments yet

    def insert(self) -> Ticket:
        """The create's writes: the row, its observers, its search text, its event."""
        ticket = self.ticket
        drawn_by_database = number_in_insert()
        if not drawn_by_database:
            ticket.number = next_ticket_number()
        insert(ticket, from_database=drawn_by_database)
        if self.observers:
            ticket.observers.set(self.observers)
        search.index_ticket_text(ticket.pk, self.searchable, prepared=True)
        payload = payloads.Created(
            number=ticket.number, decisions=self.decisions, on_behalf_of=self.on_behalf
        )
        event_record(ticket=ticket, actor=self.actor, channel=self.channel, payload=payload)
        return ticket


def _decide(
    ticket: Ticket, now: datetime, given: Mapping[str, Any], observers: list[User]
) -> dict[str, Any]:
    """The deciders' records; applies their choices to the unsaved ticket (its priority weight
    included) and adds the observers they asked for to `observers`."""
    decisions: dict[str, Any] = {}
    if has_deciders():
        facts = ticket_facts(ticket, now=now)
        # The fields the caller chose: type and priority otherwise hold their defaults.
        facts["given_fields"] = sorted(name for name, value in given.items() if value is not None)
        decisions = run_deciders(ticket, facts)
        observers += _decided_observers(decisions, already=observers)
    ticket.priority_weight = ticket.priority.weight
    return decisions


def _check_client_named(actor: User | None, ticket: Ticket, on_behalf: bool) -> None:
    """A request on a contact's behalf names the contact; an internal one must be allowed."""
    if on_behalf and ticket.contact_id is None:
        raise ValidationFailed(
            "a request on a contact's behalf names the contact",
            fields={"contact_id": "required when created on the contact's behalf"},
        )
    staff = actor is not None and actor.role != Role.CONTACT and not actor.is_system
    internal = ticket.company_id is None and ticket.contact_id is None
    if staff and internal and not settings.DESKLINE_INTERNAL_TICKETS:
        raise ValidationFailed(
            "this installation does not take internal tickets: name the client",
            fields={"company_id": "required: internal tickets are switched off"},
        )


def _decided_observers(decisions: Mapping[str, Any], *, already: Sequence[User]) -> list[User]:
    """Observers the deciders asked for: active staff only (a deleted one is dropped quietly)."""
    wanted = {
        user_id
        for record in decisions.values()
        if isinstance(record, dict)
        for user_id in record.get("observer_ids", ())
    }
    wanted -= {u.pk for u in already}
    if not wanted:
        return []
    return list(
        User.objects.filter(pk__in=wanted, is_active=True, is_system=False).exclude(
            role=Role.CONTACT
        )
    )


def _staff_users(ids: Sequence[int]) -> list[User]:
    users = list(
        User.objects.filter(pk__in=ids, is_active=True, is_system=False).exclude(role=Role.CONTACT)
    )
    missing = set(ids) - {u.pk for u in users}
    if missing:
        raise ValidationFailed(
            "unknown observers", fields={"observer_ids": f"not active staff: {sorted(missing)}"}
        )
    return users


def _current(ticket: Ticket, field: str) -> Any:
    if field == "parent_number":
        return ticket.parent.number if ticket.parent else None
    return pk_of(getattr(ticket, field))


@transaction.atomic
def ticket_update(
    *, actor: User, number: int, changes: Mapping[str, Any], version: int | None = None
) -> Ticket:
    """Change ticket fields; `version` (if given) must be the current one (optimistic lock)."""
    require_staff(actor)
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise ValidationFailed(
            "unknown fields", fields={f: "cannot be changed here" for f in unknown}
        )
    ticket = lock_ticket(actor, number, version)
    before = {f: _current(ticket, f) for f in changes if f != "observer_ids"}
    before["custom_fields"] = dict(ticket.custom_fields)
    diff: dict[str, tuple[Any, Any]] = {}
    for field, value in changes.items():
        if field == "title":
            ticket.title = _clean_title(value)
        elif field == "description":
            ticket.description = clean_body(value or "", is_html=True)
        elif field == "custom_fields":
            continue
        elif field == "observer_ids":
            old = sorted(ticket.observers.values_list("pk", flat=True))
            ticket.observers.set(_staff_users(value or []))
            if old != sorted(value or []):
                diff["observer_ids"] = (old, sorted(value or []))
            continue
        elif field == "parent_number":
            ticket.parent = resolve("parent", value, actor)
        elif value is None and field in REQUIRED_REFERENCES:
            raise ValidationFailed(
                "a ticket always has a type and a priority", fields={field: "must not be null"}
            )
        else:
            setattr(ticket, field[: -len("_id")], resolve(field[: -len("_id")], value, actor))
    if "custom_fields" in changes:
        ticket.custom_fields = _clean_custom(
            ticket.type, changes["custom_fields"] or {}, ticket.custom_fields, False
        )
    if ticket.parent is not None and would_cycle(child=ticket, parent=ticket.parent):
        raise ValidationFailed(
            "a ticket cannot be its own ancestor", fields={"parent_number": "would make a cycle"}
        )
    check_registry_fit(ticket)
    if {"company_id", "site_id", "equipment_id", "contract_id"} & set(changes):
        _apply_contract(ticket)
    ticket.priority_weight = ticket.priority.weight
    for field in changes:
        if field == "observer_ids":
            continue
        after = _current(ticket, field)
        if after != before[field]:
            diff[field] = (before[field], after)
    if not diff:
        return ticket
    if "title" in diff or "description" in diff:
        search.reindex_ticket(ticket)
    write_change(
        ticket,
        list(ticket_fields.UPDATE_COLUMNS),
        actor=actor,
        payload=payloads.Updated(fields=diff),
    )
    return ticket


def _phase_timestamps(ticket: Ticket, phase: str) -> list[str]:
    """Set or clear resolved/closed times when the ticket enters a phase."""
    now = timezone.now()
    if phase == "resolved":
        ticket.resolved_at, ticket.closed_at = now, None
    elif phase == "closed":
        ticket.resolved_at = ticket.resolved_at or now
        ticket.closed_at = now
    else:
        ticket.resolved_at = ticket.closed_at = None
    return ["resolved_at", "closed_at"]


@transaction.atomic
def ticket_change_status(
    *,
    actor: User,
    number: int,
    status_id: int | None = None,
    status_code: str = "",
    comment: str = "",
    comment_is_public: bool = True,
    version: int | None = None,
) -> Ticket:
    """Move the ticket along an allowed transition; a required comment must come with it."""
    ticket = lock_ticket(actor, number, version)
    target = resolve_status(status_id, status_code)
    if target.pk == ticket.status_id:
        return ticket
    transition = ticket.status.transitions_out.filter(to_status=target).first()
    if transition is None:
        raise ValidationFailed(
            f"cannot move from {ticket.status.name} to {target.name}",
            fields={"status_id": f"no transition from {ticket.status.code} to {target.code}"},
        )
    is_client = actor.role == Role.CONTACT
    if is_client and not transition.clients_may_use:
        raise PermissionDenied("clients may not make this status change")
    if transition.comment_required and not comment.strip():
        raise ValidationFailed(
            "this status change needs a comment", fields={"comment": "is required for this change"}
        )
    problems = guard_problems(ticket, target)
    if problems:
        raise ValidationFailed(
            f"cannot move to {target.name}: " + "; ".join(problems.values()), fields=problems
        )
    before = ticket.status
    ticket.status, ticket.phase = target, target.phase
    stamped = _phase_timestamps(ticket, target.phase)
    write_change(
        ticket,
        ["status", "phase", *stamped],
        actor=actor,
        payload=payloads.StatusChanged(
            status=(before.code, target.code), phase=(before.phase, target.phase)
        ),
    )
    if comment.strip():
        comment_add(
            actor=actor,
            number=number,
            body=comment,
            is_public=comment_is_public or is_client,
        )
        ticket.refresh_from_db()
    return ticket


def resolve_status(status_id: int | None, code: str = "") -> Status:
    """The active status by id, or else by code; ValidationFailed naming the field given."""
    rows = Status.objects.filter(is_active=True)
    if status_id is not None:
        status = rows.filter(pk=status_id).first()
        field, value = "status_id", str(status_id)
    elif code:
        status = rows.filter(code=code).first()
        field, value = "status", code
    else:
        raise ValidationFailed(
            "status is required", fields={"status_id": "give status_id or status"}
        )
    if status is None:
        raise ValidationFailed(
            f"unknown status: {value}", fields={field: f"no active status {value}"}
        )
    return status


@transaction.atomic
def ticket_assign(
    *,
    actor: User,
    number: int,
    team_id: int | None,
    assignee_id: int | None,
    version: int | None = None,
    reason: str = "",
) -> Ticket:
    """Give the ticket to a team and/or a person (None clears either)."""
    require_staff(actor)
    ticket = lock_ticket(actor, number, version)
    team, assignee = resolve("team", team_id), resolve("assignee", assignee_id)
    check_assignee(team, assignee)
    before = [ticket.team_id, ticket.assignee_id]
    if before == [team_id, assignee_id]:
        return ticket
    ticket.team, ticket.assignee = team, assignee
    payload = payloads.Assigned(
        team_id=(before[0], team_id) if before[0] != team_id else None,
        assignee_id=(before[1], assignee_id) if before[1] != assignee_id else None,
        reason=reason,
    )
    write_change(ticket, ["team", "assignee"], actor=actor, payload=payload)
    return ticket


@transaction.atomic
def ticket_escalate(
    *,
    actor: User,
    number: int,
    team_id: int,
    assignee_id: int | None,
    line: tuple[int, int],
    direction: str,
    reason: str,
    assignment: str = "",
) -> Ticket:
    """Give the ticket to another line's team (decided by routing), as one `escalated` event."""
    require_staff(actor)
    ticket = lock_ticket(actor, number, None)
    team, assignee = resolve("team", team_id), resolve("assignee", assignee_id)
    check_assignee(team, assignee)
    before_team = ticket.team_id
    ticket.team, ticket.assignee = team, assignee
    payload = payloads.Escalated(
        team_id=(before_team, team_id),
        line=line,
        direction=direction,
        reason=reason.strip(),
        assignment=assignment,
    )
    write_change(ticket, ["team", "assignee"], actor=actor, payload=payload)
    return ticket


@transaction.atomic
def ticket_sla_changed(*, actor: User, number: int, payload: payloads.Payload) -> Ticket:
    """Record an SLA change made by the SLA app (a deadline set by hand) on the ticket, with the
    derived columns it moves, as one event."""
    ticket = lock_ticket(actor, number, None)
    write_change(ticket, [], actor=actor, payload=payload)
    return ticket


def tickets_mark_breached(*, deadline: str, now: datetime) -> int:
    """Flag open, running tickets whose `deadline` (reaction or resolution) has passed, and
    record one `sla_breached` event each. Breach flags are derived columns: no version bump,
    so a person's edit in progress does not conflict with the clock."""
    column, due_column = f"{deadline}_breached", f"{deadline}_due"
    running = Q(phase__in=OPEN_PHASES) & Q(sla__paused_since__isnull=True)
    if deadline == "reaction":
        running &= Q(reacted_at__isnull=True)
    due = Ticket.objects.filter(running, **{f"{due_column}__lt": now, column: False})
    flagged = 0
    for ticket in due.order_by("pk").iterator(chunk_size=500):
        with transaction.atomic():
            if not Ticket.objects.filter(pk=ticket.pk, **{column: False}).update(**{column: True}):
                continue  # another run flagged it meanwhile
            payload = payloads.SlaBreached(deadline=deadline, due=getattr(ticket, due_column))
            event_record(ticket=ticket, actor=None, payload=payload, at=now)
            flagged += 1
    return flagged


@transaction.atomic
def ticket_rate(*, actor: User, number: int, rating: int, comment: str = "") -> Ticket:
    """The client rates the work on a resolved or closed ticket (1-5, with an optional comment)."""
    if not 1 <= rating <= 5:
        raise ValidationFailed(
            "rating must be 1 to 5", fields={"rating": "must be between 1 and 5"}
        )
    ticket = lock_ticket(actor, number, None)
    if actor.role != Role.CONTACT:
        raise PermissionDenied("only the client rates a ticket")
    if ticket.phase not in ("resolved", "closed"):
        raise ValidationFailed(
            "only resolved or closed tickets can be rated",
            fields={"rating": "the ticket is still open"},
        )
    before = ticket.rating
    ticket.rating = rating
    write_change(
        ticket,
        ["rating"],
        actor=actor,
        payload=payloads.Rated(rating=(before, rating), comment=comment.strip()[:2000]),
    )
    if comment.strip():
        comment_add(actor=actor, number=number, body=comment, is_public=True)
    ticket.refresh_from_db()
    return ticket


__all__ = [
    "attachment_add",
    "comment_add",
    "inline_images_link",
    "ticket_assign",
    "ticket_change_status",
    "ticket_create",
    "ticket_escalate",
    "ticket_link",
    "ticket_merge",
    "ticket_rate",
    "ticket_reopen",
    "ticket_sla_changed",
    "tickets_mark_breached",
    "ticket_unlink",
    "ticket_update",
]


@transaction.atomic
def ticket_reopen_on_client_reply(*, number: int) -> Ticket | None:
    """A client answered a resolved ticket ("reply if the problem remains"): move it back to
    work when its status says so. Returns the ticket if it was reopened."""
    ticket = Ticket.objects.select_related("status").filter(number=number).first()
    if ticket is None or not ticket.status.reopens_on_client_reply:
        return None
    return ticket_reopen(
        actor=system_user("mail"), number=number,
        comment=gettext("Reopened: the client replied by mail to the resolved ticket."),
    )  # fmt: skip


@transaction.atomic
def ticket_reopen(*, actor: User, number: int, comment: str) -> Ticket | None:
    """Move a resolved ticket back to work along the first allowed transition into an open
    phase (those clients may use first), with `comment` as an internal note. Returns the
    ticket if it was reopened; None when it is not resolved or its workflow has no way back."""
    ticket = Ticket.objects.filter(number=number).only("status_id", "phase").first()
    if ticket is None or ticket.phase != Phase.RESOLVED:
        return None
    back = (
        StatusTransition.objects.filter(
            from_status_id=ticket.status_id, to_status__is_active=True,
            to_status__phase__in=(Phase.OPEN, Phase.NEW),
        )
        .order_by("-clients_may_use", "to_status__order", "pk")
        .values_list("to_status_id", flat=True)
        .first()
    )  # fmt: skip
    if back is None:
        return None
    return ticket_change_status(
        actor=actor, number=number, status_id=back, comment=comment, comment_is_public=False
    )
