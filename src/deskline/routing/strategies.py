"""Assignment strategies: which team member gets a ticket. Pure functions, no ORM.

Every strategy takes the team's candidates (with their current load, capacity, presence, skills,
location and zones) and returns a `Choice`: the chosen user id (or None: the ticket stays in the
team's queue) and a reason. Away agents and agents at capacity are never chosen. Ties are broken
by load, then by user id, so the choice is deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

MANUAL = "manual"
ROUND_ROBIN = "round_robin"
LEAST_LOADED = "least_loaded"
BY_SKILL = "by_skill"
NEAREST = "nearest"
ZONES = "zones"
STRATEGIES = (MANUAL, ROUND_ROBIN, LEAST_LOADED, BY_SKILL, NEAREST, ZONES)
#: Strategies that compare members' loads; round robin only needs to know who is at capacity.
COMPARES_LOADS = frozenset({LEAST_LOADED, BY_SKILL, NEAREST, ZONES})

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Candidate:
    user_id: int
    open_tickets: int = 0
    #: Open tickets weighted by priority (sum of priority weights).
    load: float = 0.0
    capacity: int | None = None
    away: bool = False
    skills: frozenset[str] = frozenset()
    location: tuple[float, float] | None = None
    zones: frozenset[str] = frozenset()

    @property
    def available(self) -> bool:
        return not self.away and (self.capacity is None or self.open_tickets < self.capacity)


@dataclass(frozen=True)
class Choice:
    user_id: int | None
    reason: str


@dataclass(frozen=True)
class TicketNeeds:
    """What a strategy may look at on the ticket."""

    skills: frozenset[str] = frozenset()
    location: tuple[float, float] | None = None
    zones: frozenset[str] = frozenset()


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine distance between two (latitude, longitude) points in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _available(candidates: Sequence[Candidate]) -> list[Candidate]:
    return [c for c in candidates if c.available]


def _least(candidates: Sequence[Candidate]) -> Candidate:
    return min(candidates, key=lambda c: (c.load, c.open_tickets, c.user_id))


def round_robin(candidates: Sequence[Candidate], turn: int) -> Choice:
    """The member whose turn it is among the available ones, in user id order.

    `turn` is the team's counter, advanced once per assignment (1, 2, 3, ...): consecutive
    turns go to consecutive available members, so any n consecutive turns over n available
    members give each exactly one, whoever asks first.
    """
    ready = sorted(_available(candidates), key=lambda c: c.user_id)
    if not ready:
        return Choice(None, "round robin: no available member")
    chosen = ready[(turn - 1) % len(ready)]
    return Choice(chosen.user_id, f"round robin: turn {turn} of {len(ready)} available")


def least_loaded(candidates: Sequence[Candidate]) -> Choice:
    ready = _available(candidates)
    if not ready:
        return Choice(None, "least loaded: no available member within capacity")
    chosen = _least(ready)
    return Choice(
        chosen.user_id, f"least loaded: load {chosen.load:g} ({chosen.open_tickets} open)"
    )


def by_skill(candidates: Sequence[Candidate], required: Collection[str]) -> Choice:
    need = frozenset(required)
    ready = [c for c in _available(candidates) if need <= c.skills]
    if not ready:
        return Choice(None, f"by skill: no available member has {sorted(need)}")
    chosen = _least(ready)
    return Choice(chosen.user_id, f"by skill: has {sorted(need)}, load {chosen.load:g}")


def nearest(candidates: Sequence[Candidate], site: tuple[float, float] | None) -> Choice:
    """The available member closest to the site (ties by load); least loaded without a site."""
    ready = _available(candidates)
    located = [c for c in ready if c.location is not None]
    if site is None or not located:
        choice = least_loaded(ready)
        return Choice(choice.user_id, f"nearest: no coordinates, so {choice.reason}")

    def key(c: Candidate) -> tuple[float, float, int, int]:
        assert c.location is not None
        # Rounded to metres so that float noise does not beat the load tie-break.
        return (round(great_circle_km(site, c.location), 3), c.load, c.open_tickets, c.user_id)

    chosen = min(located, key=key)
    return Choice(chosen.user_id, f"nearest: {key(chosen)[0]:.1f} km from the site")


def by_zone(candidates: Sequence[Candidate], ticket_zones: Collection[str]) -> Choice:
    """An available owner of the ticket's company, site or region; else the least loaded."""
    wanted = frozenset(ticket_zones)
    owners = [c for c in _available(candidates) if c.zones & wanted]
    if owners:
        chosen = _least(owners)
        zones = sorted(chosen.zones & wanted)
        return Choice(chosen.user_id, f"zone owner of {zones}")
    choice = least_loaded(candidates)
    return Choice(choice.user_id, f"no zone owner available, so {choice.reason}")


def choose(
    strategy: str,
    candidates: Sequence[Candidate],
    needs: TicketNeeds,
    *,
    turn: int = 1,
) -> Choice:
    if strategy == ROUND_ROBIN:
        return round_robin(candidates, turn)
    if strategy == LEAST_LOADED:
        return least_loaded(candidates)
    if strategy == BY_SKILL:
        return by_skill(candidates, needs.skills)
    if strategy == NEAREST:
        return nearest(candidates, needs.location)
    if strategy == ZONES:
        return by_zone(candidates, needs.zones)
    return Choice(None, "manual assignment")
