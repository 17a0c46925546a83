"""Reads of tickets for pages and the API: scoped by access, with the joins they need."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When

from deskline.accounts.models import User
from deskline.accounts.people_cache import staff_by_id
from deskline.core.errors import NotFound, ValidationFailed
from deskline.core.lookups import JoinedIds, parse_ids
from deskline.core.prepared import PreparedQuery
from deskline.tickets import config_cache, search
from deskline.tickets.access import (
    ticket_get_visible,
    tickets_in_scope,
    tickets_visible_to,
    visibility_filter,
    visibility_scope,
)
from deskline.tickets.conditions import condition
from deskline.tickets.listing import (
    FILTER_COLUMNS,
    BadCursor,
    Sort,
    decode_cursor,
    encode_cursor,
    parse_sort,
    pinned_filters,
    pinned_order,
)
from deskline.tickets.models import (
    Attachment,
    Comment,
    CustomField,
    Ticket,
    TicketEvent,
    TicketLink,
)

#: Rows a ticket list shows. The big per-ticket relations are joined; team and SLA state are
#: prefetched in one query each, because PostgreSQL spends far longer planning an 8-table join
#: than running it (measured: 50 ms against 14 ms for a page of 50 at 100k tickets); status,
#: priority, type and category come from the per-process configuration cache.
#: What a list row shows beyond the cached reference rows (status, priority, type, category and
#: team come from `config_cache.attach_configuration`): one query for the whole page.
JOINED = ("assignee", "company", "contact", "sla")
#: The columns of those joined rows that any list shows (the desk's and the portal's rows, the
#: API's ticket shape): a row's model costs time per column read, and the four joined rows hold
#: 50 columns against the 6 read here.
JOINED_COLUMNS = (
    "assignee__username", "assignee__first_name", "assignee__last_name",
    "company__name", "contact__name", "sla__breach_risk",
)  # fmt: skip


def _list_columns() -> tuple[str, ...]:
    return (*(f.name for f in Ticket._meta.concrete_fields), *JOINED_COLUMNS)


def list_rows(queryset: QuerySet[Ticket]) -> list[Ticket]:
    """Evaluate a (sliced, ordered) ticket queryset with what a list row shows: 1 query."""
    rows = list(queryset.select_related(*JOINED).only(*_list_columns()))
    config_cache.attach_configuration(rows)
    return rows


@dataclass(frozen=True)
class TicketFilters:
    status: list[int] = field(default_factory=list)
    phase: list[str] = field(default_factory=list)
    priority: list[int] = field(default_factory=list)
    type: list[int] = field(default_factory=list)
    category: list[int] = field(default_factory=list)
    team: list[int] = field(default_factory=list)
    assignee: list[int] = field(default_factory=list)
    company: list[int] = field(default_factory=list)
    contact: list[int] = field(default_factory=list)
    site: list[int] = field(default_factory=list)
    equipment: list[int] = field(default_factory=list)
    contract: list[int] = field(default_factory=list)
    unassigned: bool | None = None
    created_after: dt.datetime | None = None
    created_before: dt.datetime | None = None
    updated_after: dt.datetime | None = None
    updated_before: dt.datetime | None = None
    text: str = ""
    sla_state: str = ""


@dataclass(frozen=True)
class Page:
    items: list[Ticket]
    next_cursor: str | None


_LIST_FILTERS = {
    "status": "status_id__in", "phase": "phase__in", "priority": "priority_id__in",
    "type": "type_id__in", "category": "category_id__in", "team": "team_id__in",
    "assignee": "assignee_id__in", "company": "company_id__in", "contact": "contact_id__in",
    "site": "site_id__in", "equipment": "equipment_id__in", "contract": "contract_id__in",
}  # fmt: skip
_RANGE_FILTERS = {
    "created_after": "created_at__gte", "created_before": "created_at__lt",
    "updated_after": "updated_at__gte", "updated_before": "updated_at__lt",
}  # fmt: skip


def apply_filters(
    queryset: QuerySet[Ticket], filters: TicketFilters, pinned: tuple[str, ...] = ()
) -> QuerySet[Ticket]:
    """`queryset` narrowed by `filters`; of the `pinned` ones (see `listing.pinned_filters`),
    the last compares its single value as a range, the ones before it with `=`."""
    conditions: dict[str, Any] = {}
    for name, lookup in _LIST_FILTERS.items():
        values = getattr(filters, name)
        if name in pinned[:-1]:
            conditions[FILTER_COLUMNS[name]] = values[0]
        elif name in pinned:  # >= and <= rather than BETWEEN: foreign keys take no __range
            conditions[f"{FILTER_COLUMNS[name]}__gte"] = values[0]
            conditions[f"{FILTER_COLUMNS[name]}__lte"] = values[0]
        elif values:
            conditions[lookup] = values
    for name, lookup in _RANGE_FILTERS.items():
        value = getattr(filters, name)
        if value is not None:
            conditions[lookup] = value
    if filters.unassigned is not None:
        conditions["assignee__isnull"] = filters.unassigned
    queryset = queryset.filter(**conditions)
    if filters.sla_state:
        queryset = queryset.filter(condition(filters.sla_state))
    return search.filter_by_text(queryset, filters.text)


def _after(sort: Sort, value: object, row_id: int) -> Q:
    # `col <= v AND (col < v OR id < i)`: the first part bounds the index scan, so a deep page
    # starts where the cursor points instead of skipping rows.
    op, strict = ("lte", "lt") if sort.descending else ("gte", "gt")
    col = sort.column
    return Q(**{f"{col}__{op}": value}) & (
        Q(**{f"{col}__{strict}": value}) | Q(**{f"id__{strict}": row_id})
    )


def ticket_list_for(
    *, user: User, filters: TicketFilters, sort: str = "-updated", cursor: str = "", limit: int = 50
) -> Page:
    """One page of the tickets `user` may see, in keyset order; no COUNT, no OFFSET."""
    return keyset_page(tickets_visible_to(user), filters, sort=sort, cursor=cursor, limit=limit)


def keyset_page(
    tickets: QuerySet[Ticket],
    filters: TicketFilters,
    *,
    sort: str,
    cursor: str,
    limit: int,
) -> Page:
    """One page of `tickets` narrowed by `filters`, in `sort` order after `cursor`: the rows are
    read from an index in order whatever the page's depth (see `listing.pinned_filters`)."""
    try:
        order = parse_sort(sort)
    except ValueError as exc:
        raise ValidationFailed(str(exc), fields={"sort": str(exc)}) from exc
    queryset = _keyset_queryset(tickets, filters, order, cursor=cursor, limit=limit)
    rows = list_rows(queryset)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor(order, getattr(last, order.column), last.pk)
    return Page(items=rows, next_cursor=next_cursor)


def _keyset_queryset(
    tickets: QuerySet[Ticket], filters: TicketFilters, order: Sort, *, cursor: str, limit: int
) -> QuerySet[Ticket]:
    """`tickets` narrowed by `filters`, after `cursor`, ordered, `limit` + 1 rows."""
    single = {name for name in FILTER_COLUMNS if len(getattr(filters, name)) == 1}
    pinned = pinned_filters(order, single)
    queryset = apply_filters(tickets, filters, pinned)
    if cursor:
        try:
            value, row_id = decode_cursor(order, cursor)
        except BadCursor as exc:
            raise ValidationFailed(str(exc), fields={"cursor": str(exc)}) from exc
        queryset = queryset.filter(_after(order, value, row_id))
    return queryset.order_by(*pinned_order(order, pinned))[: limit + 1]


#: The values the API's ticket list shows (`schemas.ticket_row_out`), read as plain values:
#: building 51 `Ticket`s and their four joined rows cost about as much Python as the rest of
#: the request. Status, priority, type, category and team come from the configuration cache.
API_ROW_COLUMNS = (
    "id", "number", "title", "description", "status_id", "priority_id", "type_id",
    "category_id", "channel", "company_id", "company__name", "contact_id", "contact__name",
    "site_id", "equipment_id", "contract_id", "not_covered", "team_id", "assignee_id",
    "assignee__username", "assignee__first_name", "assignee__last_name", "parent_id",
    "merged_into_id", "custom_fields", "reaction_due", "resolution_due", "reacted_at",
    "resolved_at", "closed_at", "paused_minutes", "reaction_breached", "resolution_breached",
    "sla__breach_risk", "rating", "created_at", "updated_at", "version", "priority_weight",
)  # fmt: skip


@dataclass
class RowPage:
    items: list[dict[str, Any]]
    next_cursor: str | None


def ticket_rows_for(
    *, user: User, filters: TicketFilters, sort: str = "-updated", cursor: str = "", limit: int = 50
) -> RowPage:
    """`ticket_list_for` as plain rows (dicts of `API_ROW_COLUMNS`, plus `parent_number` and
    `merged_into_number`): 1 query, and a second one only when a row has a parent or was
    merged."""
    page = keyset_rows(user, filters, API_ROW_COLUMNS, sort=sort, cursor=cursor, limit=limit)
    rows = page.items
    linked = {row[k] for row in rows for k in ("parent_id", "merged_into_id") if row[k]}
    numbers = (
        dict(Ticket.objects.filter(pk__in=linked).values_list("pk", "number")) if linked else {}
    )
    for row in rows:
        row["parent_number"] = numbers.get(row["parent_id"])
        row["merged_into_number"] = numbers.get(row["merged_into_id"])
    return page


#: `Ticket.objects.values(*columns)` by columns, cloned for each page: resolving 40 column
#: names (their joins included) cost about as much Python as compiling the page's statement.
_VALUES_BASES: dict[tuple[str, ...], QuerySet[Ticket, dict[str, Any]]] = {}


def _values_base(columns: tuple[str, ...]) -> QuerySet[Ticket, dict[str, Any]]:
    base = _VALUES_BASES.get(columns)
    if base is None:
        base = _VALUES_BASES.setdefault(columns, Ticket.objects.values(*columns))
    return base.all()


def keyset_rows(
    user: User,
    filters: TicketFilters,
    columns: tuple[str, ...],
    *,
    condition: Q | None = None,
    sort: str,
    cursor: str,
    limit: int,
) -> RowPage:
    """`keyset_page` of the tickets `user` may see (and that match `condition`) as plain rows:
    dicts of `columns` (and the sort's column), 1 query."""
    try:
        order = parse_sort(sort)
    except ValueError as exc:
        raise ValidationFailed(str(exc), fields={"sort": str(exc)}) from exc
    if order.column not in columns:
        columns = (*columns, order.column)
    tickets: QuerySet[Any] = _values_base(columns)
    visible = visibility_filter(user)  # what `tickets_visible_to` filters
    if visible is not None:
        tickets = tickets.filter(visible)
    if condition is not None:
        tickets = tickets.filter(condition)
    # The queryset yields dicts (`.values()`); `_keyset_queryset` is typed for models.
    rows: list[dict[str, Any]] = list(
        _keyset_queryset(tickets, filters, order, cursor=cursor, limit=limit)  # type: ignore[arg-type]
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(order, rows[-1][order.column], rows[-1]["id"])
    return RowPage(items=rows, next_cursor=next_cursor)


#: What the ticket detail adds to the list's relations: the rest, often empty, are prefetched,
#: and an empty foreign key costs no query.
REGISTRY_PREFETCHED = ("site", "equipment", "contract")
DETAIL_PREFETCHED = ("parent", "merged_into", "observers")


def _detail_query(*, scope: str, registry: bool, number: int, **scope_ids: Any) -> QuerySet[Ticket]:
    prefetched = (*REGISTRY_PREFETCHED, *DETAIL_PREFETCHED) if registry else DETAIL_PREFETCHED
    return (
        tickets_in_scope(scope, **scope_ids)
        .select_related(*JOINED)
        .prefetch_related(*prefetched)
        .filter(number=number)[:1]
    )


#: The ticket detail's query, compiled once per process, viewer's kind and `registry`: its
#: dozen joined tables cost more Python to compile than the API's whole answer (7.3 ms of CPU
#: a GET at 100,000 tickets on SQLite, most of it in Django's compiler).
_DETAIL: PreparedQuery[Ticket] = PreparedQuery(_detail_query, plan_once=True)


def ticket_detail_for(*, user: User, number: int, registry: bool = True) -> Ticket:
    """The ticket with everything its detail shows; NotFound unless `user` may see it.

    `registry=False` leaves out the site, equipment and contract rows, for a caller that shows
    only their ids (the API): up to three queries fewer.
    """
    scope, scope_ids = visibility_scope(user)
    found = _DETAIL.all(shape={"scope": scope, "registry": registry}, number=number, **scope_ids)
    if not found:
        raise NotFound(f"ticket {number} not found")
    ticket = found[0]
    config_cache.attach_configuration([ticket])
    return ticket


#: What the desk's ticket page shows of the ticket's own rows, joined in its one query: the
#: registry rows (the equipment's label names its model) and the parent and merged-into tickets
#: (numbers only; the parent the reader may not see is left out by `tickets_around`).
PAGE_JOINED = (
    *JOINED, "site", "equipment", "equipment__model", "contract", "parent", "merged_into",
)  # fmt: skip


@dataclass(frozen=True)
class TicketPage:
    """What the desk's ticket page shows of a ticket and the tickets around it."""

    ticket: Ticket
    #: Its observers, by name (from the cached staff; others read by id, rarely any).
    observers: list[User]
    around: Around


def _page_query(*, scope: str, number: int, **scope_ids: Any) -> QuerySet[Ticket]:
    observing = (
        Ticket.observers.through.objects.filter(ticket_id=OuterRef("pk"))
        .values("ticket_id")
        .annotate(ids=JoinedIds("user_id"))
        .values("ids")  # type: ignore[misc]  # the stubs do not see the annotation
    )
    return (
        tickets_in_scope(scope, **scope_ids)
        .select_related(*PAGE_JOINED)
        .annotate(observer_list=Subquery(observing))
        .filter(number=number)[:1]
    )


#: The page's ticket and the tickets around it, compiled once per process and viewer's kind.
_PAGE_TICKET: PreparedQuery[Ticket] = PreparedQuery(_page_query, plan_once=True)


def ticket_page_for(*, user: User, number: int, card_limit: int) -> TicketPage:
    """The ticket with every row the desk's page shows of it, in one query (its observers' ids
    come in it, their names from the cached staff), and the tickets around it in a second
    (`tickets_around`); NotFound unless `user` may see it. Both queries' SQL is compiled once
    per process (`core.prepared`): building it cost more than the rest of the page's reads."""
    scope, scope_ids = visibility_scope(user)
    found = _PAGE_TICKET.all(shape={"scope": scope}, number=number, **scope_ids)
    if not found:
        raise NotFound(f"ticket {number} not found")
    ticket = found[0]
    config_cache.attach_configuration([ticket])
    return TicketPage(
        ticket=ticket,
        observers=_people(parse_ids(ticket.observer_list)),  # type: ignore[attr-defined]
        around=_around_prepared(scope, scope_ids, ticket, card_limit),
    )


def _people(ids: list[int]) -> list[User]:
    """Users by id, in the pickers' order: staff from the cache, anyone else read (one query)."""
    staff = staff_by_id()
    found = [staff[pk] for pk in ids if pk in staff]
    if len(found) < len(ids):
        found += User.objects.filter(pk__in=[pk for pk in ids if pk not in staff]).only(*USER_LABEL)
    order = {pk: i for i, pk in enumerate(staff)}
    return sorted(found, key=lambda u: (order.get(u.pk, len(order)), u.pk))


#: The columns a user's label reads (`user_label`: full name, else login).
USER_LABEL = ("id", "username", "first_name", "last_name")


@dataclass(frozen=True)
class Conversation:
    """The comments of a ticket with their files, and the files added to the ticket itself."""

    comments: list[Comment]
    files: list[Attachment]


def _comments_query(*, client: bool, ticket_id: int) -> QuerySet[Comment]:
    comments = Comment.objects.filter(ticket_id=ticket_id).select_related(
        "author", "author_contact", "moved_from"
    )
    return comments.filter(is_public=True) if client else comments


def _files_query(*, client: bool, ticket_id: int) -> QuerySet[Attachment]:
    files = Attachment.objects.filter(ticket_id=ticket_id)
    return (files.filter(is_public=True) if client else files).order_by("created_at", "pk")


_COMMENTS: PreparedQuery[Comment] = PreparedQuery(_comments_query, plan_once=True)
_FILES: PreparedQuery[Attachment] = PreparedQuery(_files_query, plan_once=True)


def conversation_of(*, user: User, ticket: Ticket) -> Conversation:
    """`comments_of` and `attachments_without_comment` in two queries (comments, then every
    file of the ticket `user` may see, handed to its comment)."""
    shape = {"client": user.is_client}
    rows = _COMMENTS.all(shape=shape, ticket_id=ticket.pk)
    by_comment: dict[int, list[Attachment]] = {row.pk: [] for row in rows}
    own: list[Attachment] = []
    for attachment in _FILES.all(shape=shape, ticket_id=ticket.pk):
        if attachment.comment_id is None:
            own.append(attachment)
        elif attachment.comment_id in by_comment:
            by_comment[attachment.comment_id].append(attachment)
    for row in rows:  # what `prefetch_related("attachments")` would have set
        loaded = row.attachments.all()
        loaded._result_cache = by_comment[row.pk]
        loaded._prefetch_done = True  # type: ignore[attr-defined]
        row._prefetched_objects_cache = {"attachments": loaded}  # type: ignore[attr-defined]
    return Conversation(comments=rows, files=own)


def comments_for(*, user: User, number: int) -> list[Comment]:
    return comments_of(user=user, ticket=ticket_get_visible(user, number))


def comments_of(*, user: User, ticket: Ticket) -> list[Comment]:
    """The comments of a ticket `user` is known to see (checked by the caller)."""
    comments = Comment.objects.filter(ticket=ticket).select_related(
        "author", "author_contact", "moved_from"
    )
    if user.is_client:
        comments = comments.filter(is_public=True)
    public_files = (
        Attachment.objects.filter(is_public=True) if user.is_client else Attachment.objects.all()
    )
    return list(comments.prefetch_related(Prefetch("attachments", queryset=public_files)))


def _attachments_visible(user: User, number: int) -> QuerySet[Attachment]:
    ticket = ticket_get_visible(user, number)
    rows = Attachment.objects.filter(ticket=ticket)
    if user.is_client:
        rows = rows.filter(is_public=True).filter(
            Q(comment__isnull=True) | Q(comment__is_public=True)
        )
    return rows


def attachments_for(*, user: User, number: int) -> list[Attachment]:
    return list(_attachments_visible(user, number))


def attachments_without_comment(*, user: User, ticket: Ticket) -> list[Attachment]:
    """Files added to the ticket itself (not to a comment), as `user` may see them: the
    ticket page lists them beside the conversation. `ticket` is one `user` may see."""
    rows = Attachment.objects.filter(ticket=ticket, comment__isnull=True)
    if user.is_client:
        rows = rows.filter(is_public=True)
    return list(rows.order_by("created_at", "pk"))


def attachment_for(*, user: User, number: int, attachment_id: int) -> Attachment:
    attachment = _attachments_visible(user, number).filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(f"attachment {attachment_id} not found")
    return attachment


CLIENT_EVENT_KINDS = (
    TicketEvent.Kind.CREATED,
    TicketEvent.Kind.STATUS_CHANGED,
    TicketEvent.Kind.MERGED_INTO,
)


def history_for(*, user: User, number: int) -> list[TicketEvent]:
    """The ticket's events, oldest first; clients see only what concerns them."""
    return history_of(user=user, ticket=ticket_get_visible(user, number))


def _history_query(*, client: bool, ticket_id: int) -> QuerySet[TicketEvent]:
    events = TicketEvent.objects.filter(ticket_id=ticket_id).select_related("actor")
    if client:
        events = events.filter(
            Q(kind__in=CLIENT_EVENT_KINDS)
            | Q(kind=TicketEvent.Kind.COMMENTED, data__is_public=True)
        )
    return events.order_by("created_at", "id")


_HISTORY: PreparedQuery[TicketEvent] = PreparedQuery(_history_query, plan_once=True)


def history_of(*, user: User, ticket: Ticket) -> list[TicketEvent]:
    """The events of a ticket `user` is known to see (checked by the caller)."""
    return _HISTORY.all(shape={"client": user.is_client}, ticket_id=ticket.pk)


@dataclass(frozen=True)
class Links:
    parent: Ticket | None
    children: list[Ticket]
    related: list[Ticket]


def links_for(*, user: User, number: int) -> Links:
    return links_of(user=user, ticket=ticket_get_visible(user, number))


def links_of(*, user: User, ticket: Ticket) -> Links:
    """Parent, children and related tickets (those `user` may see) of a visible ticket."""
    visible = tickets_visible_to(user)
    related_ids = [
        link.to_ticket_id if link.from_ticket_id == ticket.pk else link.from_ticket_id
        for link in TicketLink.objects.filter(Q(from_ticket=ticket) | Q(to_ticket=ticket))
    ]
    parent = (
        visible.filter(pk=ticket.parent_id).select_related("status").first()
        if ticket.parent_id
        else None
    )
    return Links(
        parent=parent,
        children=list(visible.filter(parent=ticket).select_related("status").order_by("number")),
        related=list(
            visible.filter(pk__in=related_ids).select_related("status").order_by("number")
        ),
    )


CARD_FIELDS = ("company", "contact", "site", "equipment")
_AROUND_COLUMNS = (
    "id", "number", "title", "status_id", "priority_id", "type_id", "category_id", "parent_id",
    "updated_at", "company_id", "contact_id", "site_id", "equipment_id",
)  # fmt: skip


@dataclass(frozen=True)
class Around:
    """The tickets the ticket page names beside a ticket: its links and its cards' latest."""

    links: Links
    #: Per card field ("company", ...): the latest other tickets of the ticket's row there.
    recent: dict[str, list[Ticket]]


def tickets_around(*, user: User, ticket: Ticket, limit: int) -> Around:
    """`links_of` and `recent_tickets_of` for each registry row of `ticket`, in one query.

    One UNION ALL of the parts, each reading its rows from an index as the separate queries
    did and each marked with what it is: every card's part holds its own `limit` latest, so
    the latest of a row among all the rows read are the card's. Every part reads only the
    tickets `user` may see.
    """
    return _around(tickets_visible_to(user), ticket, limit)


def _around_query(
    *,
    scope: str,
    cards: tuple[str, ...],
    limit: int,
    with_parent: bool,
    ticket_id: int,
    parent_id: int = 0,
    card_ids: list[int] | None = None,
    **scope_ids: Any,
) -> QuerySet[Ticket]:
    """The UNION ALL of `tickets_around`: children, related, the parent (`with_parent`) and
    the latest `limit` of each card's row (`cards` names them, `card_ids` holds their ids),
    each part marked with its name (`part`) and read among the tickets of the scope."""
    visible = tickets_in_scope(scope, **scope_ids)
    linked = (
        TicketLink.objects.filter(Q(from_ticket_id=ticket_id) | Q(to_ticket_id=ticket_id))
        .annotate(
            other=Case(
                When(from_ticket_id=ticket_id, then=F("to_ticket_id")),
                default=F("from_ticket_id"),
            )
        )
        .values("other")
    )
    parts: list[tuple[str, QuerySet[Ticket]]] = [
        ("child", visible.filter(parent_id=ticket_id)),
        ("related", visible.filter(pk__in=linked)),
    ]
    if with_parent:
        parts.append(("parent", visible.filter(pk=parent_id)))
    for name, row_id in zip(cards, card_ids or [], strict=True):
        latest = (
            visible.filter(**{f"{name}_id": row_id})
            .exclude(pk=ticket_id)
            .order_by("-updated_at", "-id")
            .values("pk")[:limit]
        )
        parts.append((name, Ticket.objects.filter(pk__in=latest)))
    first, *rest = [
        part.only(*_AROUND_COLUMNS).annotate(part=Value(name)).order_by() for name, part in parts
    ]
    return first.union(*rest, all=True)


_AROUND: PreparedQuery[Ticket] = PreparedQuery(_around_query, plan_once=True)


def _around_prepared(scope: str, scope_ids: dict[str, Any], ticket: Ticket, limit: int) -> Around:
    """`tickets_around` for a viewer's `visibility_scope`, its SQL compiled once per shape."""
    cards = {
        name: row_id
        for name in CARD_FIELDS
        if (row_id := getattr(ticket, f"{name}_id")) is not None
    }
    shape = {
        "scope": scope,
        "cards": tuple(cards),
        "limit": limit,
        "with_parent": ticket.parent_id is not None,
    }
    values: dict[str, Any] = {"ticket_id": ticket.pk, "card_ids": list(cards.values())}
    if ticket.parent_id is not None:
        values["parent_id"] = ticket.parent_id
    rows = _AROUND.all(shape=shape, **values, **scope_ids)
    return _around_of(rows, ticket, cards, limit)


def _around(visible: QuerySet[Ticket], ticket: Ticket, limit: int) -> Around:
    linked = (
        TicketLink.objects.filter(Q(from_ticket=ticket) | Q(to_ticket=ticket))
        .annotate(
            other=Case(
                When(from_ticket=ticket, then=F("to_ticket_id")), default=F("from_ticket_id")
            )
        )
        .values("other")
    )
    parts: list[tuple[str, QuerySet[Ticket]]] = [
        ("child", visible.filter(parent=ticket)),
        ("related", visible.filter(pk__in=linked)),
    ]
    if ticket.parent_id:
        parts.append(("parent", visible.filter(pk=ticket.parent_id)))
    cards = {
        name: row_id
        for name in CARD_FIELDS
        if (row_id := getattr(ticket, f"{name}_id")) is not None
    }
    for name, row_id in cards.items():
        latest = (
            visible.filter(**{f"{name}_id": row_id})
            .exclude(pk=ticket.pk)
            .order_by("-updated_at", "-id")
            .values("pk")[:limit]
        )
        parts.append((name, Ticket.objects.filter(pk__in=latest)))
    first, *rest = [
        part.only(*_AROUND_COLUMNS).annotate(part=Value(name)).order_by() for name, part in parts
    ]
    return _around_of(list(first.union(*rest, all=True)), ticket, cards, limit)


def _around_of(found: list[Ticket], ticket: Ticket, cards: dict[str, int], limit: int) -> Around:
    """The links and cards of `ticket` from the union's rows, each marked with its `part`."""
    rows: dict[int, Ticket] = {}
    marks: dict[str, set[int]] = {}
    for row in found:
        rows.setdefault(row.pk, row)
        marks.setdefault(row.part, set()).add(row.pk)  # type: ignore[attr-defined]
    config_cache.attach_configuration(rows.values())
    by_number = sorted(rows.values(), key=lambda t: t.number)
    latest_first = sorted(rows.values(), key=lambda t: (t.updated_at, t.pk), reverse=True)
    parent_id = next(iter(marks.get("parent", ())), None)
    return Around(
        links=Links(
            parent=rows[parent_id] if parent_id is not None else None,
            children=[t for t in by_number if t.pk in marks.get("child", ())],
            related=[t for t in by_number if t.pk in marks.get("related", ())],
        ),
        recent={
            name: [t for t in latest_first if getattr(t, f"{name}_id") == row_id and t != ticket][
                :limit
            ]
            for name, row_id in cards.items()
        },
    )


def recent_tickets_of(
    *, user: User, field: str, row_id: int, exclude_id: int, limit: int
) -> list[Ticket]:
    """The latest tickets of a company, contact, site or equipment `user` may see (one query).

    Only what a card shows is read: number, title and status (from the configuration cache).
    """
    if field not in ("company", "contact", "site", "equipment"):
        raise ValueError(field)
    rows = list(
        tickets_visible_to(user)
        .filter(**{f"{field}_id": row_id})
        .exclude(pk=exclude_id)
        .only("id", "number", "title", "status_id", "priority_id", "type_id", "category_id")
        .order_by("-updated_at", "-id")[:limit]
    )
    config_cache.attach_configuration(rows)
    return rows


def custom_fields_of_type(type_id: int | None) -> list[CustomField]:
    """The custom fields an agent fills for a ticket type, in their configured order."""
    if type_id is None:
        return []
    return config_cache.custom_fields_of_type(type_id)


@dataclass(frozen=True)
class ClientSummary:
    """What a client's portal shows above their tickets: open now, and how the last 90 days went."""

    open: int
    resolved: int
    resolution_met_pct: float | None
    rating_avg: float | None


def client_summary_for(*, user: User, since: dt.datetime) -> ClientSummary:
    """Counts over the tickets `user` sees (one query), whatever their number."""
    from django.db.models import Avg, Count

    from deskline.tickets.models import OPEN_PHASES

    visible = tickets_visible_to(user).order_by()
    row = visible.aggregate(
        open=Count("pk", filter=Q(phase__in=OPEN_PHASES)),
        resolved=Count("pk", filter=Q(resolved_at__gte=since)),
        met=Count(
            "pk",
            filter=Q(
                resolved_at__gte=since, resolution_breached=False, resolution_due__isnull=False
            ),
        ),  # fmt: skip
        with_target=Count("pk", filter=Q(resolved_at__gte=since, resolution_due__isnull=False)),
        rating=Avg("rating", filter=Q(resolved_at__gte=since, rating__isnull=False)),
    )
    target = row["with_target"]
    return ClientSummary(
        open=row["open"],
        resolved=row["resolved"],
        resolution_met_pct=round(100.0 * row["met"] / target, 1) if target else None,
        rating_avg=round(float(row["rating"]), 1) if row["rating"] is not None else None,
    )
