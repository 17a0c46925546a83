"""Reference data the desk forms offer (statuses, priorities, teams, agents), from the caches."""

from __future__ import annotations

from dataclasses import dataclass, field

from deskline.accounts.models import Team, User
from deskline.accounts.people_cache import staff_cached
from deskline.tickets import config_cache
from deskline.tickets.config_cache import rows_by_id
from deskline.tickets.models import Category, Priority, Status, StatusTransition, TicketType


@dataclass
class Choices:
    statuses: list[Status] = field(default_factory=list)
    priorities: list[Priority] = field(default_factory=list)
    types: list[TicketType] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    agents: list[User] = field(default_factory=list)

    def status_by_code(self) -> dict[str, Status]:
        return {s.code: s for s in self.statuses}


@dataclass(frozen=True)
class CategoryOption:
    """A category as a menu shows it: its path from the top ("Hardware › Printers")."""

    pk: int
    label: str
    depth: int


def category_options(categories: dict[int, Category]) -> list[CategoryOption]:
    """The active categories by path, each labelled with its parents' names (no queries)."""

    def path(row: Category) -> list[str]:
        names: list[str] = []
        seen: set[int] = set()
        current: Category | None = row
        while current is not None and current.pk not in seen:  # a cycle must not hang the page
            seen.add(current.pk)
            names.append(current.name)
            current = categories.get(current.parent_id) if current.parent_id else None
        return names[::-1]

    paths = {pk: path(row) for pk, row in categories.items() if row.is_active}
    ordered = sorted(paths.items(), key=lambda item: [name.casefold() for name in item[1]])
    return [CategoryOption(pk, " › ".join(names), len(names) - 1) for pk, names in ordered]


def _active_statuses() -> list[Status]:
    return [s for s in rows_by_id(Status).values() if s.is_active]


def load_choices(*, with_categories: bool = True) -> Choices:
    """Statuses, priorities, types and categories come from the configuration cache."""
    categories = [c for c in rows_by_id(Category).values() if c.is_active]
    return Choices(
        statuses=_active_statuses(),
        priorities=list(rows_by_id(Priority).values()),
        types=list(rows_by_id(TicketType).values()),
        categories=categories if with_categories else [],
        teams=[team for team in rows_by_id(Team).values() if team.is_active],
        agents=staff_cached(),
    )


def transitions_from(status_id: int, *, clients_only: bool = False) -> list[StatusTransition]:
    """The status changes allowed from a status (those open to clients, if asked)."""
    rows = config_cache.transitions_from(status_id)
    return [row for row in rows if row.clients_may_use] if clients_only else list(rows)


def client_ticket_types() -> list[TicketType]:
    return [t for t in rows_by_id(TicketType).values() if t.open_to_clients]


def status_choices() -> Choices:
    return Choices(statuses=_active_statuses())
