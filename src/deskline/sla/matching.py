"""Which SLA policy a ticket gets, and why (pure): ordered rules over the ticket's facts.

A rule names some of: contract, company, company category, ticket type, category (an ancestor
category matches too), priority, site, tone. It matches when every condition it names holds; the
first matching rule (lowest order, then id) wins. Without a match the contract's own policy
applies, then the default policy.

The tone is that of the client's latest inbound message (triage scores it): its label
(negative, neutral, positive) or a raised signal (angry, urgent); a rule naming a tone never
matches a ticket without one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

CONDITIONS = (
    "contract_id", "company_id", "company_category_id", "type_id", "category_id", "priority_id",
    "site_id", "tone",
)  # fmt: skip
#: The values a rule's tone condition may take: a tone label or a signal.
TONE_LABELS = ("negative", "neutral", "positive")
TONE_SIGNALS = ("angry", "urgent")


def tones_of(facts: Mapping[str, Any]) -> frozenset[str]:
    """The tone label and raised signals in the facts triage adds (`tone`, `tone.angry`,
    `tone.urgent`); empty when the message has no tone."""
    label = facts.get("tone")
    if not label:
        return frozenset()
    return frozenset({str(label), *(s for s in TONE_SIGNALS if facts.get(f"tone.{s}"))})


@dataclass(frozen=True)
class TicketFacts:
    contract_id: int | None = None
    company_id: int | None = None
    company_category_id: int | None = None
    type_id: int | None = None
    category_ids: tuple[int, ...] = ()
    """The ticket's category first, then its ancestors."""
    priority_id: int | None = None
    site_id: int | None = None
    tones: frozenset[str] = frozenset()
    """The latest message's tone label and raised signals (see `tones_of`)."""


@dataclass(frozen=True)
class RuleSpec:
    id: int
    policy_id: int
    order: int = 0
    contract_id: int | None = None
    company_id: int | None = None
    company_category_id: int | None = None
    type_id: int | None = None
    category_id: int | None = None
    priority_id: int | None = None
    site_id: int | None = None
    tone: str = ""

    def matches(self, facts: TicketFacts) -> bool:
        for name in CONDITIONS:
            wanted = getattr(self, name)
            if wanted is None or wanted == "":
                continue
            if name == "tone":
                if wanted not in facts.tones:
                    return False
            elif name == "category_id":
                if wanted not in facts.category_ids:
                    return False
            elif getattr(facts, name) != wanted:
                return False
        return True


@dataclass(frozen=True)
class PolicyChoice:
    policy_id: int | None
    rule_id: int | None
    reason: str


def choose_policy(
    facts: TicketFacts,
    rules: Iterable[RuleSpec],
    *,
    contract_policy_id: int | None,
    default_policy_id: int | None,
) -> PolicyChoice:
    for rule in sorted(rules, key=lambda r: (r.order, r.id)):
        if rule.matches(facts):
            return PolicyChoice(rule.policy_id, rule.id, f"rule {rule.id} matched")
    if contract_policy_id is not None:
        return PolicyChoice(contract_policy_id, None, "the contract's policy")
    return PolicyChoice(default_policy_id, None, "the default policy")


@dataclass(frozen=True)
class CalendarChoice:
    calendar_id: int | None
    source: str
    """site, contract, policy or default."""


def choose_calendar(
    *,
    site_calendar_id: int | None,
    contract_calendar_id: int | None,
    policy_calendar_id: int | None,
    default_calendar_id: int | None,
) -> CalendarChoice:
    """The site's calendar, else the contract's, else the policy's, else the default one."""
    for calendar_id, source in (
        (site_calendar_id, "site"),
        (contract_calendar_id, "contract"),
        (policy_calendar_id, "policy"),
    ):
        if calendar_id is not None:
            return CalendarChoice(calendar_id, source)
    return CalendarChoice(default_calendar_id, "default")
