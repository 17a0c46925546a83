"""Links between tickets (related, parent/child) and merging (part of the ticket write path)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from deskline.accounts.models import User
from deskline.core.errors import ValidationFailed
from deskline.core.permissions import require_staff
from deskline.tickets import search
from deskline.tickets.events import event_record
from deskline.tickets.models import (
    Attachment,
    Comment,
    Phase,
    Status,
    Ticket,
    TicketLink,
)
from deskline.tickets.payloads import Linked, Merged, MergedInto, Unlinked, Updated
from deskline.tickets.writing import lock_ticket, would_cycle, write_change

LINK_KINDS = ("related", "parent", "child")


def _lock_pair(actor: User, first: int, second: int) -> tuple[Ticket, Ticket]:
    if first == second:
        raise ValidationFailed(
            "a ticket cannot be linked to itself", fields={"number": "is this ticket"}
        )
    # Lock in a fixed order so that two concurrent calls on the same pair cannot deadlock.
    low, high = sorted((first, second))
    locked = {low: lock_ticket(actor, low, None), high: lock_ticket(actor, high, None)}
    return locked[first], locked[second]


@transaction.atomic
def ticket_link(*, actor: User, number: int, other_number: int, kind: str = "related") -> Ticket:
    """Relate two tickets, or make `other` the parent (kind=parent) or a child (kind=child)."""
    require_staff(actor)
    if kind not in LINK_KINDS:
        raise ValidationFailed(
            "unknown link kind", fields={"kind": f"one of {', '.join(LINK_KINDS)}"}
        )
    ticket, other = _lock_pair(actor, number, other_number)
    if kind == "related":
        low, high = sorted((ticket, other), key=lambda t: t.pk)
        TicketLink.objects.get_or_create(
            from_ticket=low, to_ticket=high, defaults={"created_by": actor}
        )
    else:
        child, parent = (ticket, other) if kind == "parent" else (other, ticket)
        if would_cycle(child=child, parent=parent):
            raise ValidationFailed(
                "this link would make a cycle", fields={"other_number": "is a descendant"}
            )
        before = child.parent.number if child.parent else None
        child.parent = parent
        write_change(
            child,
            ["parent"],
            actor=actor,
            payload=Updated(fields={"parent": (before, parent.number)}),
        )
    linked = Linked(kind=kind, other=other.number)
    if kind == "parent":  # the ticket itself was just written as the child
        event_record(ticket=ticket, actor=actor, payload=linked)
    else:
        write_change(ticket, [], actor=actor, payload=linked)
    return ticket


@transaction.atomic
def ticket_unlink(*, actor: User, number: int, other_number: int) -> Ticket:
    """Remove a related link or a parent/child link between two tickets."""
    require_staff(actor)
    ticket, other = _lock_pair(actor, number, other_number)
    removed, _ = TicketLink.objects.filter(
        Q(from_ticket=ticket, to_ticket=other) | Q(from_ticket=other, to_ticket=ticket)
    ).delete()
    for child, parent in ((ticket, other), (other, ticket)):
        if child.parent_id == parent.pk:
            child.parent = None
            write_change(
                child,
                ["parent"],
                actor=actor,
                payload=Updated(fields={"parent": (parent.number, None)}),
            )
            removed += 1
    if not removed:
        raise ValidationFailed("the tickets are not linked", fields={"other_number": "not linked"})
    write_change(ticket, [], actor=actor, payload=Unlinked(other=other.number))
    return ticket


def _closing_status() -> Status:
    status = (
        Status.objects.filter(phase=Phase.CLOSED, is_active=True).order_by("order", "pk").first()
    )
    if status is None:
        raise ValidationFailed("no closed status is configured")
    return status


@transaction.atomic
def ticket_merge(*, actor: User, number: int, into_number: int) -> Ticket:
    """Merge ticket `number` into `into_number`: comments and files move, the source closes."""
    require_staff(actor)
    source, target = _lock_pair(actor, number, into_number)
    for t, field in ((source, "number"), (target, "into_number")):
        if t.merged_into_id is not None:
            raise ValidationFailed(
                "already merged", fields={field: "was merged into another ticket"}
            )
    now = timezone.now()
    note = Comment.objects.create(
        ticket=target,
        author=actor,
        body=f"<p>Merged from #{source.number}: {source.title}</p>{source.description}",
        is_public=False,
        moved_from=source,
        created_at=min(source.created_at, now),
    )
    moved = Comment.objects.filter(ticket=source).update(ticket=target, moved_from=source)
    Attachment.objects.filter(ticket=source).update(ticket=target)
    target.observers.add(*source.observers.all())
    closing = _closing_status()
    before, before_phase = source.status.code, source.phase
    source.merged_into, source.status, source.phase = target, closing, closing.phase
    source.closed_at = now
    search.reindex_ticket(target)
    search.index_ticket_text(source.pk, search.ticket_text(source))
    write_change(
        source,
        ["merged_into", "status", "phase", "closed_at"],
        actor=actor,
        payload=MergedInto(
            into=target.number,
            moved_comments=moved,
            status=(before, closing.code),
            phase=(before_phase, closing.phase),
        ),
    )
    write_change(
        target,
        [],
        actor=actor,
        payload=Merged(source=source.number, moved_comments=moved, note_id=note.pk),
    )
    return target
