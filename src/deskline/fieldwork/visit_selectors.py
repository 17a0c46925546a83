"""Reads of visits: who may see one, the conflicts of a proposed time, the dispatch board (engineers
by day with their visits, and the tickets still waiting for a visit), an engineer's own visits,
a ticket's visits and the map's points. Each read is a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from deskline.accounts.models import User
from deskline.clients.models import Site
from deskline.core.errors import NotFound, ValidationFailed
from deskline.core.permissions import require_staff
from deskline.fieldwork.conflicts import Conflict, Slot, WorkingHours, visit_conflicts
from deskline.fieldwork.geo import point_or_none
from deskline.fieldwork.models import EngineerProfile, Visit, VisitStatus
from deskline.sla.clock import working_minutes_between
from deskline.sla.models import TicketSla
from deskline.sla.resolve import work_calendar_by_id
from deskline.tickets.access import ticket_get_visible, tickets_visible_to
from deskline.tickets.models import OPEN_PHASES, Ticket

#: Visits that still hold an engineer's time.
LIVE_STATUSES = (VisitStatus.PLANNED, VisitStatus.EN_ROUTE, VisitStatus.ON_SITE,
                 VisitStatus.DONE)  # fmt: skip


def speed_kmh() -> float:
    return float(settings.DESKLINE_FIELD_SPEED_KMH)


def may_see_visit(user: User, visit: Visit) -> bool:
    if not user.is_active or user.is_client:
        return False
    if user.sees_all_tickets or visit.engineers.filter(pk=user.pk).exists():
        return True
    return tickets_visible_to(user).filter(pk=visit.ticket_id).exists()


def visit_site(ticket: Ticket, site_id: int | None) -> Site:
    """The site of a new visit: the one named (of the ticket's company), else the ticket's."""
    if site_id is None:
        if ticket.site is None:
            raise ValidationFailed("the ticket has no site: name one",
                                   fields={"site_id": "required"})  # fmt: skip
        return ticket.site
    sites = Site.objects.filter(pk=site_id, is_active=True)
    if ticket.company_id is not None:
        sites = sites.filter(company_id=ticket.company_id)
    site = sites.first()
    if site is None:
        raise ValidationFailed("no such site of the ticket's company",
                               fields={"site_id": "not found"})  # fmt: skip
    return site


def hours_of(profile: EngineerProfile) -> WorkingHours:
    return WorkingHours(start=profile.day_start, end=profile.day_end,
                        weekdays=frozenset(int(d) for d in profile.weekdays or []),
                        time_zone=profile.time_zone or "UTC")  # fmt: skip


@dataclass(frozen=True)
class ConflictText:
    engineer: str
    code: str
    text: str


def _text(engineer: str, conflict: Conflict, zone: ZoneInfo) -> ConflictText:
    p = conflict.params

    def hm(value: object) -> str:
        if isinstance(value, dt.datetime):
            return value.astimezone(zone).strftime("%d.%m %H:%M")
        return value.strftime("%H:%M") if isinstance(value, dt.time) else str(value)

    texts = {
        "overlap": _("%(who)s already has a visit then (%(what)s, %(start)s–%(end)s)"),
        "off_hours": _("outside %(who)s's working hours (%(start)s–%(end)s)"),
        "site_closed": _("the site's calendar is closed then"),
        "travel": _("%(who)s needs %(needed)s min to drive between %(from)s and %(to)s, "
                    "the plan leaves %(gap)s"),
    }  # fmt: skip
    values = {"who": engineer, "what": p.get("with", ""), "start": hm(p.get("start", "")),
              "end": hm(p.get("end", "")), "needed": p.get("needed", ""), "gap": p.get("gap", ""),
              "from": p.get("from", ""), "to": p.get("to", "")}  # fmt: skip
    return ConflictText(engineer, conflict.code, texts[conflict.code] % values)


def _site_open(ticket_id: int, start: dt.datetime, end: dt.datetime) -> bool | None:
    calendar_id = TicketSla.objects.filter(ticket_id=ticket_id).values_list("calendar_id",
                                                                           flat=True).first()  # fmt: skip
    if calendar_id is None:
        return None
    worked = working_minutes_between(work_calendar_by_id(calendar_id), start, end)
    return worked >= int((end - start).total_seconds() // 60)


def conflicts_for(
    *, engineer_ids: Sequence[int], start: dt.datetime, end: dt.datetime, site_id: int,
    ticket_id: int, exclude_visit: int | None = None, zone: str = "",
) -> list[ConflictText]:  # fmt: skip
    """Every conflict of a proposed visit, for each engineer of its crew."""
    site = Site.objects.filter(pk=site_id).first()
    place = point_or_none(site.latitude, site.longitude) if site else None
    proposed = Slot(start, end, place, site.name if site else "")
    site_open = _site_open(ticket_id, start, end)
    margin = dt.timedelta(days=1)
    nearby = (Visit.objects.filter(engineers__in=engineer_ids, status__in=LIVE_STATUSES,
                                   planned_start__lt=end + margin,
                                   planned_end__gt=start - margin)
              .exclude(pk=exclude_visit or 0).select_related("site", "ticket")
              .prefetch_related("engineers").distinct())  # fmt: skip
    profiles = {p.user_id: p for p in EngineerProfile.objects.filter(user_id__in=engineer_ids)
                .select_related("user")}  # fmt: skip
    shown = ZoneInfo(zone or settings.TIME_ZONE)
    out: list[ConflictText] = []
    for user_id in engineer_ids:
        profile = profiles.get(user_id)
        others = [Slot(v.planned_start, v.planned_end, point_or_none(v.site.latitude,
                       v.site.longitude), f"#{v.ticket.number} {v.site.name}")
                  for v in nearby if any(e.pk == user_id for e in v.engineers.all())]  # fmt: skip
        found = visit_conflicts(proposed, others, hours=hours_of(profile) if profile else None,
                                site_open=site_open, speed_kmh=speed_kmh())  # fmt: skip
        name = str(profile.user) if profile else str(user_id)
        out.extend(_text(name, c, shown) for c in found)
    return out


def proposal_conflicts(
    *, user: User, engineer_ids: Sequence[int], start: dt.datetime, end: dt.datetime,
    number: int | None = None, visit_id: int | None = None, site_id: int | None = None,
    zone: str = "",
) -> list[ConflictText]:  # fmt: skip
    """The conflicts of a ticket's new visit (`number`) or of moving a visit (`visit_id`)
    as the dispatcher proposes it; nothing is saved."""
    if visit_id is not None:
        visit = Visit.objects.select_related("ticket").filter(pk=visit_id).first()
        if visit is None or not may_see_visit(user, visit):
            raise NotFound(f"visit {visit_id} not found")
        ticket, site_pk = visit.ticket, site_id or visit.site_id
    else:
        ticket = ticket_get_visible(user, number or 0)
        site_pk = visit_site(ticket, site_id).pk
    return conflicts_for(engineer_ids=engineer_ids, start=start, end=end, site_id=site_pk,
                         ticket_id=ticket.pk, exclude_visit=visit_id, zone=zone)  # fmt: skip


@dataclass(frozen=True)
class BoardVisit:
    """A visit as the board draws it: plain values (a week holds thousands of them)."""

    id: int
    number: int
    site: str
    site_id: int
    start: dt.datetime
    end: dt.datetime
    status: str
    left: float  # per cent of the row
    width: float


@dataclass
class BoardRow:
    profile: EngineerProfile
    visits: list[BoardVisit] = field(default_factory=list)


@dataclass
class Board:
    start: dt.datetime
    end: dt.datetime
    days: list[dt.date]
    rows: list[BoardRow]
    waiting: list[Ticket]


def waiting_for_visit(user: User, limit: int = 100) -> list[Ticket]:
    """Open tickets of a visit type with a site and no visit still to come, by deadline."""
    live = Visit.objects.filter(ticket=OuterRef("pk"), status__in=[
        VisitStatus.PLANNED, VisitStatus.EN_ROUTE, VisitStatus.ON_SITE])  # fmt: skip
    rows: QuerySet[Ticket] = (
        tickets_visible_to(user)
        .filter(phase__in=OPEN_PHASES, type__needs_visit=True, site__isnull=False)
        .exclude(Exists(live))
        .select_related("site", "company", "priority")
        .order_by("resolution_due", "id")
    )
    # Deadlines first, tickets with no deadline last (NULLS LAST on both databases).
    with_due = list(rows.filter(resolution_due__isnull=False)[:limit])
    if len(with_due) < limit:
        with_due += list(rows.filter(resolution_due__isnull=True)[: limit - len(with_due)])
    return with_due


def _instant(text: str) -> dt.datetime:
    """A stored instant read as text (`Cast` to a string): parsing thousands of them with
    `fromisoformat` is ten times cheaper than the driver's datetime loader. SQLite keeps UTC
    without an offset; PostgreSQL writes one."""
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def dispatch_board(*, user: User, first: dt.date, days: int, zone: str) -> Board:
    """Engineers as rows, `days` days from `first` (in `zone`) as columns, visits as blocks
    (four queries however many visits: rows are read as values, not model instances)."""
    require_staff(user)
    tz = ZoneInfo(zone)
    start = dt.datetime.combine(first, dt.time(0), tz)
    end = dt.datetime.combine(first + dt.timedelta(days=days), dt.time(0), tz)
    span = (end - start).total_seconds()
    found = (Visit.objects.filter(planned_start__lt=end, planned_end__gt=start)
             .exclude(status=VisitStatus.CANCELLED)
             .annotate(begins=Cast("planned_start", CharField()),
                       ends=Cast("planned_end", CharField()))
             .values_list("pk", "ticket__number", "site__name", "site_id", "begins", "ends",
                          "status"))  # fmt: skip
    blocks = {}
    for pk, number, site, site_id, begins_text, ends_text, status in found:
        begins, ends = _instant(begins_text), _instant(ends_text)
        left = max(0.0, (begins - start).total_seconds() / span * 100)
        right = min(100.0, (ends - start).total_seconds() / span * 100)
        blocks[pk] = BoardVisit(pk, number, site, site_id, begins, ends, status, round(left, 3),
                                round(max(right - left, 0.4), 3))  # fmt: skip
    profiles = list(EngineerProfile.objects.filter(is_active=True, user__is_active=True)
                    .select_related("user").order_by("user__last_name", "user__username"))  # fmt: skip
    rows = {p.user_id: BoardRow(p) for p in profiles}
    crews = Visit.engineers.through.objects.filter(visit_id__in=Visit.objects.filter(
        planned_start__lt=end, planned_end__gt=start)).values_list("visit_id", "user_id")  # fmt: skip
    for visit_id, user_id in crews:
        if visit_id in blocks and user_id in rows:
            rows[user_id].visits.append(blocks[visit_id])
    for row in rows.values():
        row.visits.sort(key=lambda b: (b.start, b.id))
    return Board(start, end, [first + dt.timedelta(days=i) for i in range(days)],
                 list(rows.values()), waiting_for_visit(user))  # fmt: skip


def engineer_visits(*, user: User, today: dt.date, zone: str, days: int = 7) -> list[Visit]:
    """The engineer's own visits from today for `days` days, in order (finished today's too)."""
    tz = ZoneInfo(zone)
    start = dt.datetime.combine(today, dt.time(0), tz)
    return list(
        Visit.objects.filter(engineers=user, planned_start__gte=start,
                             planned_start__lt=start + dt.timedelta(days=days))
        .exclude(status=VisitStatus.CANCELLED)
        .select_related("ticket", "site", "ticket__company", "ticket__contact",
                        "ticket__equipment")
        .order_by("planned_start", "pk")
    )  # fmt: skip


def visit_detail(*, user: User, visit_id: int) -> Visit | None:
    visit = (Visit.objects.filter(pk=visit_id)
             .select_related("ticket", "site", "signature", "ticket__company",
                             "ticket__contact", "ticket__equipment")
             .prefetch_related("engineers", "photos__attachment").first())  # fmt: skip
    if visit is None or not may_see_visit(user, visit):
        return None
    return visit


def ticket_visits(ticket: Ticket) -> list[Visit]:
    return list(Visit.objects.filter(ticket=ticket).prefetch_related("engineers", "photos")
                .select_related("site").order_by("planned_start", "pk"))  # fmt: skip


def map_points(*, user: User, day: dt.date, zone: str) -> dict[str, list[dict[str, object]]]:
    """The day's visits at their sites and the engineers' last known positions."""
    board = dispatch_board(user=user, first=day, days=1, zone=zone)
    blocks = {b.id: b for row in board.rows for b in row.visits}
    places = {pk: point_or_none(lat, lon) for pk, lat, lon in Site.objects.filter(
        pk__in={b.site_id for b in blocks.values()}).values_list("pk", "latitude", "longitude")}  # fmt: skip
    visits = []
    for b in blocks.values():
        place = places.get(b.site_id)
        if place is not None:
            visits.append({"id": b.id, "lat": place.latitude, "lon": place.longitude,
                           "label": f"#{b.number} {b.site}", "status": b.status,
                           "start": b.start.isoformat()})  # fmt: skip
    engineers = []
    for row in board.rows:
        p = row.profile
        here = point_or_none(p.last_latitude, p.last_longitude)
        if here is not None:
            engineers.append({"id": p.user_id, "lat": here.latitude, "lon": here.longitude,
                              "label": str(p.user),
                              "seen": p.last_seen_at.isoformat() if p.last_seen_at else ""})  # fmt: skip
    return {"visits": visits, "engineers": engineers}


def visits_for(
    *, user: User, start: dt.datetime | None = None, end: dt.datetime | None = None,
    engineer_id: int | None = None, number: int | None = None, after_id: int = 0,
    limit: int = 100,
) -> list[Visit]:  # fmt: skip
    """Visits `user` may see, oldest planned first: staff see those of tickets they see and their
    own; a client's contact those of their (company's) tickets, never cancelled ones."""
    rows: QuerySet[Visit] = Visit.objects.all()
    if user.is_client:
        rows = rows.filter(ticket__in=tickets_visible_to(user)).exclude(
            status=VisitStatus.CANCELLED)  # fmt: skip
    elif not user.sees_all_tickets:
        rows = rows.filter(Q(ticket__in=tickets_visible_to(user)) | Q(engineers=user)).distinct()
    if start is not None:
        rows = rows.filter(planned_end__gt=start)
    if end is not None:
        rows = rows.filter(planned_start__lt=end)
    if engineer_id is not None:
        rows = rows.filter(engineers=engineer_id)
    if number is not None:
        rows = rows.filter(ticket__number=number)
    return list(rows.filter(pk__gt=after_id).select_related("ticket", "site")
                .prefetch_related("engineers").order_by("pk")[:limit])  # fmt: skip
