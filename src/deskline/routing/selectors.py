"""Reads for routing: active rule sets as plain specs, a team's candidates with their load."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Q, Sum
from django.utils import timezone

from deskline.accounts.models import TeamMembership, User
from deskline.core import refcache
from deskline.routing.matching import RuleSetSpec, RuleSpec
from deskline.routing.models import (
    AgentProfile,
    AgentZone,
    Rule,
    RuleSet,
    SkillRequirement,
    TeamRouting,
)
from deskline.routing.strategies import COMPARES_LOADS, MANUAL, Candidate, TicketNeeds
from deskline.tickets.models import OPEN_PHASES, Ticket

#: Watched by core.refcache: a change to any of these reloads the rule sets and strategies,
#: and a change of team membership the rosters (`team_roster`).
WATCHED = (RuleSet, Rule, TeamRouting, TeamMembership)
#: Watched by core.refcache for the rosters too, but only a save that may change one of these
#: fields (not a login's `last_login`, not a field engineer's check-in), and for users not
#: their creation (a new user is in no team yet: adding them to one reloads): model, fields
#: and whether a new row counts.
ROSTER_FIELDS: dict[type, tuple[frozenset[str], bool]] = {
    User: (frozenset({"is_active", "role", "is_system"}), False),
    AgentProfile: (frozenset({"user", "user_id", "capacity", "is_away", "away_until"}), True),
}


def active_rule_sets() -> list[RuleSetSpec]:
    """Active rule sets with their active rules, in evaluation order (cached per process)."""
    specs: list[RuleSetSpec] = refcache.cached("routing.rule_sets", _load_rule_sets)
    return specs


def _load_rule_sets() -> list[RuleSetSpec]:
    sets = RuleSet.objects.filter(is_active=True).prefetch_related("rules")
    return [
        RuleSetSpec(
            id=rs.pk,
            name=rs.name,
            mode=rs.mode,
            rules=[
                RuleSpec(r.pk, r.name, r.conditions, r.actions)
                for r in rs.rules.all()
                if r.is_active
            ],
        )
        for rs in sets
    ]


def team_strategies() -> dict[int, str]:
    """Each team's assignment strategy by team id, manual ones left out (cached per process)."""
    strategies: dict[int, str] = refcache.cached("routing.team_strategies", _load_strategies)
    return strategies


def _load_strategies() -> dict[int, str]:
    rows = TeamRouting.objects.exclude(strategy=MANUAL).values_list("team_id", "strategy")
    return dict(rows)


def some_team_compares_loads() -> bool:
    """True while a team assigns by load, skill, distance or zone (see `assignment`)."""
    return any(strategy in COMPARES_LOADS for strategy in team_strategies().values())


@dataclass(frozen=True)
class RosterMember:
    """A member who may be given tickets, with what round robin needs of their profile."""

    user_id: int
    capacity: int | None = None
    is_away: bool = False
    away_until: dt.datetime | None = None

    def away_at(self, now: dt.datetime) -> bool:
        return self.is_away or (self.away_until is not None and self.away_until > now)


def _members(team_id: int) -> models.QuerySet[TeamMembership]:
    """Memberships of the team's active staff (a system user is never given a ticket)."""
    return TeamMembership.objects.filter(
        team_id=team_id, user__is_active=True, user__is_system=False
    ).exclude(user__role="contact")


def team_roster(team_id: int) -> tuple[RosterMember, ...]:
    """The team's assignable members in user id order (cached per process, see `WATCHED` and
    `ROSTER_FIELDS`): what round robin reads on every routed create, two queries and a model
    per member (144 in the 1st line at a million tickets) otherwise. An agent's presence is
    their profile's, so marking oneself away reaches every process within refcache's check."""
    roster: tuple[RosterMember, ...] = refcache.cached(
        ("routing.roster", team_id), lambda: _load_roster(team_id)
    )
    return roster


def _load_roster(team_id: int) -> tuple[RosterMember, ...]:
    user_ids = sorted(_members(team_id).values_list("user_id", flat=True))
    profiles = {
        row[0]: row
        for row in AgentProfile.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "capacity", "is_away", "away_until"
        )
    }
    return tuple(
        RosterMember(*profiles[user_id]) if user_id in profiles else RosterMember(user_id)
        for user_id in user_ids
    )


def _open_loads(user_ids: list[int]) -> dict[int, tuple[int, float]]:
    """Open tickets and their priority weight by assignee."""
    if not user_ids:
        return {}
    return {
        row["assignee_id"]: (row["n"], float(row["w"] or 0))
        for row in Ticket.objects.filter(assignee_id__in=user_ids, phase__in=OPEN_PHASES)
        .values("assignee_id")
        .annotate(n=Count("*"), w=Sum("priority_weight"))
    }


def roster_candidates(team_id: int, *, now: dt.datetime | None = None) -> list[Candidate]:
    """The team's members as round robin sees them: presence and, for members with a
    capacity, their open tickets (no skills, zones or locations). No query but that count."""
    now = now or timezone.now()
    roster = team_roster(team_id)
    loads = _open_loads([m.user_id for m in roster if m.capacity is not None])
    result = []
    for member in roster:
        count, load = loads.get(member.user_id, (0, 0.0))
        result.append(
            Candidate(
                user_id=member.user_id,
                open_tickets=count,
                load=load,
                capacity=member.capacity,
                away=member.away_at(now),
            )
        )
    return result


def team_candidates(
    team_id: int,
    *,
    now: dt.datetime | None = None,
    with_skills: bool = True,
    with_zones: bool = True,
    with_loads: bool = True,
) -> list[Candidate]:
    """The team's active staff members with presence, open-ticket load, skills and zones.

    Without `with_loads`, open tickets are counted only for members with a capacity (to tell
    whether they are full): counting every member's open tickets is the costliest read here
    (147 ms for 144 members at a million tickets before the index `ticket_open_assignee`,
    6 ms with it: COUNT(*) and the weight are read from the index alone).
    """
    now = now or timezone.now()
    memberships = _members(team_id)
    if with_skills:
        skills = {
            m.user_id: frozenset(s.code for s in m.skills.all())
            for m in memberships.prefetch_related("skills")
        }
    else:  # ids alone: a large first line would otherwise build a model per member
        skills = dict.fromkeys(memberships.values_list("user_id", flat=True), frozenset())
    user_ids = list(skills)
    profiles = {p.user_id: p for p in AgentProfile.objects.filter(user_id__in=user_ids)}
    counted = (
        user_ids
        if with_loads
        else [user_id for user_id, p in profiles.items() if p.capacity is not None]
    )
    loads = _open_loads(counted)
    zones: dict[int, set[str]] = defaultdict(set)
    owned = AgentZone.objects.filter(user_id__in=user_ids if with_zones else [])
    for user_id, zone in owned.values_list("user_id", "zone"):
        zones[user_id].add(zone)
    result = []
    for user_id in sorted(user_ids):
        profile = profiles.get(user_id)
        count, load = loads.get(user_id, (0, 0.0))
        result.append(
            Candidate(
                user_id=user_id,
                open_tickets=count,
                load=load,
                capacity=profile.capacity if profile else None,
                away=profile.away_at(now) if profile else False,
                skills=skills[user_id],
                location=profile.location if profile else None,
                zones=frozenset(zones[user_id]),
            )
        )
    return result


def required_skills(ticket: Ticket) -> frozenset[str]:
    """Skills the ticket's category and equipment kind require."""
    equipment = ticket.equipment
    subject = Q(pk__in=[])
    if ticket.category_id:
        subject |= Q(category_id=ticket.category_id)
    if equipment is not None:
        subject |= Q(equipment_kind_id=equipment.kind_id)
    return frozenset(SkillRequirement.objects.filter(subject).values_list("skill__code", flat=True))


def ticket_needs(ticket: Ticket, *, with_skills: bool = True) -> TicketNeeds:
    """Skills the ticket requires, the site's coordinates and the zones it falls into."""
    skills = required_skills(ticket) if with_skills else frozenset()
    site = ticket.site
    location = None
    if site is not None and site.latitude is not None and site.longitude is not None:
        location = (float(site.latitude), float(site.longitude))
    zones = set()
    if ticket.company_id:
        zones.add(f"company:{ticket.company_id}")
    if site is not None:
        zones.add(f"site:{site.pk}")
        zones.add(f"region:{site.time_zone}")
    return TicketNeeds(skills=skills, location=location, zones=frozenset(zones))
