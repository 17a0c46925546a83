"""Writes of the fieldwork app: checklists on tickets (from templates, ticked or cleared by
staff, recorded in the ticket's history) and time entries (by hand or by stopwatch). Every write
checks the ticket is visible to the actor, as the ticket services do."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from deskline.accounts.models import User
from deskline.core.errors import NotFound, ValidationFailed
from deskline.core.permissions import require_staff
from deskline.fieldwork.checks import TemplateRule, missing_required, step_value, templates_for
from deskline.fieldwork.models import (
    ChecklistTemplate,
    ItemKind,
    TicketChecklist,
    TicketChecklistItem,
    TimeEntry,
    TimeKind,
)
from deskline.fieldwork.payloads import ChecklistTicked, TimeLogged
from deskline.tickets.access import ticket_get_visible
from deskline.tickets.events import event_record
from deskline.tickets.models import Attachment, Status, Ticket, TicketEvent

MAX_MINUTES = 24 * 60


def _ticket(actor: User, number: int) -> Ticket:
    require_staff(actor)
    return ticket_get_visible(actor, number)


def checklist_attach(*, ticket: Ticket, template: ChecklistTemplate) -> TicketChecklist | None:
    """Copy the template's steps onto the ticket (once per template and ticket)."""
    try:
        with transaction.atomic():
            checklist = TicketChecklist.objects.create(
                ticket=ticket, template=template, name=template.name
            )
    except IntegrityError:
        return None  # already on the ticket
    TicketChecklistItem.objects.bulk_create(
        TicketChecklistItem(
            checklist=checklist, order=i.order, text=i.text, kind=i.kind, required=i.required,
            minimum=i.minimum, maximum=i.maximum, choices=i.choices,
        )
        for i in template.items.all()
    )  # fmt: skip
    return checklist


def checklists_on_created(event: TicketEvent) -> None:
    """The `fieldwork.checklists` reaction: a new ticket gets the templates its rules name."""
    ticket = Ticket.objects.select_related("equipment").filter(pk=event.ticket_id).first()
    if ticket is None:
        return
    templates = list(
        ChecklistTemplate.objects.filter(is_active=True).prefetch_related(
            "ticket_types", "categories", "equipment_kinds", "items"
        )
    )
    rules = [
        TemplateRule(
            pk=t.pk,
            type_ids=frozenset(x.pk for x in t.ticket_types.all()),
            category_ids=frozenset(x.pk for x in t.categories.all()),
            kind_ids=frozenset(x.pk for x in t.equipment_kinds.all()),
        )
        for t in templates
    ]
    kind_id = ticket.equipment.kind_id if ticket.equipment else None
    wanted = set(templates_for(rules, type_id=ticket.type_id, category_id=ticket.category_id,
                               kind_id=kind_id))  # fmt: skip
    for template in templates:
        if template.pk in wanted:
            checklist_attach(ticket=ticket, template=template)


@transaction.atomic
def checklist_add(*, actor: User, number: int, template_id: int) -> TicketChecklist:
    ticket = _ticket(actor, number)
    template = ChecklistTemplate.objects.filter(pk=template_id, is_active=True).first()
    if template is None:
        raise ValidationFailed("no such checklist template", fields={"template_id": "not found"})
    checklist = checklist_attach(ticket=ticket, template=template)
    if checklist is None:
        raise ValidationFailed("this checklist is already on the ticket",
                               fields={"template_id": "already on the ticket"})  # fmt: skip
    return checklist


@transaction.atomic
def checklist_tick(
    *, actor: User, number: int, item_id: int, done: bool = True, value: str = "",
    attachment_id: int | None = None,
) -> TicketChecklistItem:  # fmt: skip
    """Tick a step (with its number, choice or photo) or clear it; the history records both."""
    ticket = _ticket(actor, number)
    item = (
        TicketChecklistItem.objects.select_for_update()
        .select_related("checklist")
        .filter(pk=item_id, checklist__ticket=ticket)
        .first()
    )
    if item is None:
        raise NotFound(f"checklist step {item_id} not found on ticket {number}")
    stored = ""
    if done:
        if item.kind == ItemKind.PHOTO:
            if (
                attachment_id is None
                or not Attachment.objects.filter(pk=attachment_id, ticket=ticket).exists()
            ):
                raise ValidationFailed("this step needs a photo of the ticket",
                                       fields={"attachment_id": "attach a photo"})  # fmt: skip
            stored = str(attachment_id)
        else:
            try:
                stored = step_value(item.kind, value, minimum=item.minimum, maximum=item.maximum,
                                    choices=[str(c) for c in item.choices])  # fmt: skip
            except ValueError as exc:
                raise ValidationFailed(f"{item.text}: {exc}", fields={"value": str(exc)}) from exc
    item.done_by, item.done_at, item.value = (actor, timezone.now(), stored) if done else (
        None, None, "")  # fmt: skip
    item.save(update_fields=["done_by", "done_at", "value"])
    event_record(ticket=ticket, actor=actor, payload=ChecklistTicked(
        checklist=item.checklist.name, item=item.text, done=done, value=stored))  # fmt: skip
    return item


def required_items_guard(*, ticket: Ticket, target: Status) -> dict[str, str]:
    """The status guard: a required step not done blocks resolving and closing."""
    if target.phase not in ("resolved", "closed"):
        return {}
    items = TicketChecklistItem.objects.filter(checklist__ticket=ticket, required=True)
    missing = missing_required([(t, True, d is not None) for t, d in
                                items.values_list("text", "done_at")])  # fmt: skip
    if not missing:
        return {}
    return {"checklist": "required steps not done: " + "; ".join(missing[:5])
            + (f" (and {len(missing) - 5} more)" if len(missing) > 5 else "")}  # fmt: skip


def _minutes(minutes: Any, started_at: dt.datetime | None, ended_at: dt.datetime | None) -> int:
    if minutes is None and started_at is not None and ended_at is not None:
        if ended_at <= started_at:
            raise ValidationFailed(
                "the work ends before it starts", fields={"ended_at": "before start"}
            )
        minutes = round((ended_at - started_at).total_seconds() / 60)
    try:
        value = int(minutes)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(
            "give the minutes, or a start and an end",
            fields={"minutes": "a whole number of minutes"},
        ) from exc
    if not 1 <= value <= MAX_MINUTES:
        raise ValidationFailed("the minutes are 1 to 1440", fields={"minutes": "1 to 1440"})
    return value


@transaction.atomic
def time_entry_add(
    *, actor: User, number: int, minutes: Any = None, started_at: dt.datetime | None = None,
    ended_at: dt.datetime | None = None, kind: str = TimeKind.REMOTE, billable: bool = True,
    comment: str = "",
) -> TimeEntry:  # fmt: skip
    """Time spent on a ticket: minutes, or a start and an end."""
    ticket = _ticket(actor, number)
    if kind not in TimeKind.values:
        raise ValidationFailed("unknown kind of work", fields={"kind": ", ".join(TimeKind.values)})
    value = _minutes(minutes, started_at, ended_at)
    entry = TimeEntry.objects.create(
        ticket=ticket, user=actor, minutes=value, kind=kind, billable=billable,
        started_at=started_at or timezone.now() - dt.timedelta(minutes=value),
        comment=comment.strip()[:500],
    )  # fmt: skip
    event_record(ticket=ticket, actor=actor, payload=TimeLogged(
        minutes=value, kind=kind, billable=billable, entry_id=entry.pk))  # fmt: skip
    return entry


@transaction.atomic
def stopwatch_start(*, actor: User, number: int, kind: str = TimeKind.REMOTE) -> TimeEntry:
    ticket = _ticket(actor, number)
    if TimeEntry.objects.filter(user=actor, minutes__isnull=True).exists():
        raise ValidationFailed("a stopwatch is already running: stop it first",
                               fields={"stopwatch": "already running"})  # fmt: skip
    return TimeEntry.objects.create(ticket=ticket, user=actor, started_at=timezone.now(), kind=kind)


@transaction.atomic
def stopwatch_stop(*, actor: User, comment: str = "", billable: bool = True) -> TimeEntry:
    """Stop the actor's running stopwatch: its time becomes an entry (at least a minute)."""
    require_staff(actor)
    entry = TimeEntry.objects.select_for_update().filter(user=actor, minutes__isnull=True).first()
    if entry is None:
        raise NotFound("no stopwatch is running")
    elapsed = (timezone.now() - entry.started_at).total_seconds() / 60
    entry.minutes = max(1, min(MAX_MINUTES, round(elapsed)))
    entry.comment, entry.billable = comment.strip()[:500], billable
    entry.save(update_fields=["minutes", "comment", "billable"])
    event_record(ticket=entry.ticket, actor=actor, payload=TimeLogged(
        minutes=entry.minutes, kind=entry.kind, billable=billable, entry_id=entry.pk))  # fmt: skip
    return entry


@transaction.atomic
def time_entry_delete(*, actor: User, number: int, entry_id: int) -> None:
    """Remove one's own entry (an administrator may remove anyone's)."""
    ticket = _ticket(actor, number)
    rows = TimeEntry.objects.filter(pk=entry_id, ticket=ticket)
    if not (actor.is_superuser or actor.role == "admin"):
        rows = rows.filter(user=actor)
    if not rows.delete()[0]:
        raise NotFound(f"time entry {entry_id} not found on ticket {number}")
