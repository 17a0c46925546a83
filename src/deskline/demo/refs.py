"""What the ticket planner knows about the database: ids and a few facts, as plain values."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ContactRef:
    id: int
    user_id: int | None  # the portal login, if any
    name: str


@dataclass(frozen=True)
class SiteRef:
    id: int
    name: str
    address: str


@dataclass(frozen=True)
class EquipmentRef:
    id: int
    site_id: int | None
    kind: str  # EquipmentKind.code
    label: str  # "Dell PowerEdge R750"
    serial: str
    inventory: str
    covered: bool  # by the company's current contract


@dataclass
class CompanyRef:
    id: int
    category: str  # CompanyCategory.code
    language: str
    contacts: tuple[ContactRef, ...]
    sites: dict[int, SiteRef]
    equipment: tuple[EquipmentRef, ...]
    contract_id: int | None  # the current contract
    contract_site_ids: frozenset[int] | None  # None: it covers all sites
    site_list: tuple[SiteRef, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.site_list = tuple(self.sites.values())

    @property
    def weight(self) -> float:
        """Bigger clients (more equipment, VIP) write more tickets."""
        return (1 + len(self.equipment)) * (2.0 if self.category == "vip" else 1.0)


@dataclass(frozen=True)
class TeamRef:
    id: int
    line: int
    is_contractor: bool
    members: tuple[int, ...]  # user ids


@dataclass
class Refs:
    """Everything `lifecycle.plan_ticket` draws from."""

    statuses: dict[str, tuple[int, str]]  # code -> (id, phase)
    priorities: dict[str, tuple[int, int]]  # code -> (id, weight)
    types: dict[str, int]  # code -> id
    categories: dict[str, int]  # ticket category name -> id
    teams: dict[int, TeamRef]  # line (0 for the contractor team) -> team
    staff_names: dict[int, str]  # user id -> display name
    companies: list[CompanyRef]
    _cum_weights: list[float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.companies:
            raise ValueError("the demo needs at least one company")
        self._cum_weights = list(itertools.accumulate(c.weight for c in self.companies))

    def pick_company(self, rng: random.Random) -> CompanyRef:
        return rng.choices(self.companies, cum_weights=self._cum_weights)[0]

    def first_line_agent(self, rng: random.Random) -> int | None:
        team = self.teams.get(1)
        return rng.choice(team.members) if team and team.members else None
