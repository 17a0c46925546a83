"""Warnings about a company that staff see wherever a ticket names it (intake, ticket page, the
ticket list), defined by the apps that own what they mean.

Billing registers "overdue invoices"; the desk asks once per page for all the page's companies
(`company_flags_for`), so a list of fifty tickets costs one query per registered source, not one
per row. Flags are for the service company's own staff: a contractor or a client contact gets
none, whatever page asks.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from deskline.core.roles import Role


@dataclass(frozen=True)
class CompanyFlag:
    """One warning on a company: a short machine code and the text shown (translated)."""

    code: str
    text: str


FlagSource = Callable[[Collection[int]], dict[int, CompanyFlag]]
_sources: dict[str, FlagSource] = {}


def company_flag_source(name: str) -> Callable[[FlagSource], FlagSource]:
    """Register `fn(company_ids) -> {company_id: flag}` (one query for all the ids)."""

    def register(fn: FlagSource) -> FlagSource:
        _sources[name] = fn
        return fn

    return register


#: Outsiders: they never see another business's standing with the service company.
_NOT_SHOWN_TO = frozenset({Role.CONTRACTOR, Role.CONTACT})


def company_flags_for(
    *, viewer: Any, company_ids: Collection[int | None]
) -> dict[int, list[CompanyFlag]]:
    """Every registered flag of these companies, keyed by company id (flagged ones only)."""
    ids = {pk for pk in company_ids if pk is not None}
    found: dict[int, list[CompanyFlag]] = {}
    if not ids or (viewer.role in _NOT_SHOWN_TO and not viewer.is_superuser):
        return found
    for name in sorted(_sources):
        for company_id, flag in _sources[name](ids).items():
            found.setdefault(company_id, []).append(flag)
    return found
