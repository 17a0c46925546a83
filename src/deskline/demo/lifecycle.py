"""A demo ticket's life: when it came, who took it, what was said, how it ended (pure).

`plan_ticket` returns plain rows (dicts keyed by column name) for the ticket, its comments and
its events; the writer adds the ids. Times never pass `now`, statuses follow the default
workflow's transitions, and the older a ticket, the likelier it is closed.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from deskline.core.html import text_to_html
from deskline.demo.arrivals import creation_times as creation_times  # generate.py reads it here
from deskline.demo.compose import Story, story_for
from deskline.demo.refs import CompanyRef, ContactRef, Refs

PRIORITY_ORDER = ("low", "normal", "high", "critical")
#: Medians, in minutes, of the time to the first answer and from it to the fix.
REACTION_MEDIAN = {"low": 240, "normal": 90, "high": 30, "critical": 10}
RESOLUTION_MEDIAN = {"low": 4320, "normal": 1800, "high": 720, "critical": 240}
#: SLA targets in minutes (wall clock: the demo has no calendars).
REACTION_TARGET = {"low": 480, "normal": 240, "high": 60, "critical": 15}
RESOLUTION_TARGET = {"low": 7200, "normal": 2880, "high": 960, "critical": 240}
CHANNELS = ("email", "portal", "phone", "desk", "api", "monitoring", "telegram")
CHANNEL_WEIGHTS = (38, 20, 16, 8, 4, 8, 6)
MONITORED_KINDS = frozenset({"server", "hvac", "refrigeration", "mri"})
TYPE_BY_CATEGORY = {
    "Preventive maintenance": "planned_work",
    "Consultation": "question",
    "Access and accounts": "service_request",
}


@dataclass
class TicketPlan:
    row: dict[str, Any]  # Ticket columns, all but id
    comments: list[dict[str, Any]] = field(default_factory=list)  # Comment columns, no ticket_id
    #: TicketEvent columns, no ticket_id; a "commented" event has "comment": index in comments.
    events: list[dict[str, Any]] = field(default_factory=list)
    doc: str = ""  # the text to index for search


def done_probability(age_days: float) -> float:
    """How likely a ticket of this age is already resolved or closed."""
    if age_days < 0.5:
        return 0.1
    if age_days < 2:
        return 0.35
    if age_days < 7:
        return 0.6
    if age_days < 30:
        return 0.85
    return 0.97


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def pick_priority(rng: random.Random, urgency: int, vip: bool) -> str:
    index = rng.choices((0, 1, 2, 3), weights=(20, 60, 17, 3))[0]
    if urgency == 2:
        index = max(index + 1, 2)
    elif urgency == 1 and rng.random() < 0.35:
        index += 1
    elif urgency == -1 and rng.random() < 0.6:
        index -= 1
    if vip and rng.random() < 0.3:
        index += 1
    return PRIORITY_ORDER[min(3, max(0, index))]


def _pick_team(rng: random.Random, refs: Refs, kind: str) -> int:
    """The line of support (0 is the contractor team) a ticket goes to."""
    if kind == "lift" and 0 in refs.teams and rng.random() < 0.6:
        return 0
    if kind == "mri" and rng.random() < 0.6:
        return 3
    return rng.choices((1, 2, 3, 0), weights=(55, 30, 10, 5))[0]


@dataclass
class _Timeline:
    """Minutes after creation of each step; None for steps that did not happen."""

    final: str  # status code
    assigned: float | None
    reacted: float | None
    resolved: float | None
    closed: float | None


def plan_timeline(rng: random.Random, priority: str, age: float) -> _Timeline:
    """The status path of a ticket created `age` minutes ago."""
    react = _lognormal(rng, REACTION_MEDIAN[priority], 0.8)
    assign = react * rng.uniform(0.1, 0.6)
    if react >= age * 0.95:
        assigned = assign if assign < age and rng.random() < 0.4 else None
        return _Timeline("new", assigned, None, None, None)
    if rng.random() >= done_probability(age / 1440):
        final = "waiting_client" if rng.random() < 0.3 else "in_progress"
        return _Timeline(final, assign, react, None, None)
    if age - react < 15:  # too young to be fixed already
        return _Timeline("in_progress", assign, react, None, None)
    fix = max(5.0, _lognormal(rng, RESOLUTION_MEDIAN[priority], 0.9))
    if react + fix >= age:
        fix = (age - react) * rng.uniform(0.2, 0.9)
    resolved = react + fix
    close = resolved + _lognormal(rng, 2880, 0.5)
    if close < age and rng.random() < 0.92:
        return _Timeline("closed", assign, react, resolved, close)
    return _Timeline("resolved", assign, react, resolved, None)


_DISPATCH_DELAY = dt.timedelta(seconds=1)


def _event(kind: str, at: dt.datetime, actor: int | None, **columns: Any) -> dict[str, Any]:
    """A TicketEvent row; demo history counts as already dispatched (no jobs are queued)."""
    row = {"kind": kind, "actor_id": actor, "channel": "", "changes": {}, "data": {}, **columns}
    row["created_at"], row["dispatched_at"] = at, at + _DISPATCH_DELAY
    return row


def _status_event(
    at: dt.datetime, actor: int | None, refs: Refs, old: str, new: str
) -> dict[str, Any]:
    phases = [refs.statuses[old][1], refs.statuses[new][1]]
    return _event("status_changed", at, actor, changes={"status": [old, new], "phase": phases})


class _Conversation:
    """Collects comments and their events in the order they happen."""

    def __init__(self, plan: TicketPlan, story: Story, contact: ContactRef, channel: str) -> None:
        self.plan, self.story, self.contact = plan, story, contact
        self.client_channel = channel if channel in ("email", "portal", "telegram") else "email"
        self.texts: list[str] = []

    def client_says(self, at: dt.datetime, text: str) -> None:
        self._add(at, self.contact.user_id, text, public=True, by_client=True)

    def agent_says(self, at: dt.datetime, agent: int | None, text: str, *, public: bool) -> None:
        self._add(at, agent, text, public=public, by_client=False)

    def _add(
        self, at: dt.datetime, author: int | None, text: str, *, public: bool, by_client: bool
    ) -> None:
        channel = self.client_channel if by_client else "desk"
        self.plan.comments.append({
            "author_id": author, "author_contact_id": self.contact.id if by_client else None,
            "body": text_to_html(text), "is_public": public, "channel": channel,
            "message_id": "", "moved_from_id": None, "created_at": at,
        })  # fmt: skip
        self.plan.events.append(_event(
            "commented", at, author, channel=channel,
            data={"is_public": public, "by_client": by_client}, comment=len(self.plan.comments) - 1,
        ))  # fmt: skip
        self.texts.append(text)


def plan_ticket(
    rng: random.Random, refs: Refs, *, number: int, created: dt.datetime, now: dt.datetime
) -> TicketPlan:
    company = refs.pick_company(rng)
    equipment = rng.choice(company.equipment) if company.equipment and rng.random() < 0.88 else None
    site = (
        company.sites[equipment.site_id]
        if equipment and equipment.site_id
        else rng.choice(company.site_list)
    )
    contact = rng.choice(company.contacts)
    kind = equipment.kind if equipment else ""
    team = refs.teams.get(_pick_team(rng, refs, kind)) or refs.teams[1]
    assignee = rng.choice(team.members) if team.members else None
    agent_name = refs.staff_names.get(assignee or 0, "")
    story = story_for(rng, company, site, equipment, contact, agent_name)
    priority = pick_priority(rng, story.problem.urgency, company.category == "vip")
    ticket_type = TYPE_BY_CATEGORY.get(story.problem.category, "incident")
    channel = _pick_channel(rng, kind, ticket_type, contact)
    creator = _creator(rng, refs, channel, contact)
    age = (now - created).total_seconds() / 60
    timeline = plan_timeline(rng, priority, age)
    description = story.description(rng)
    plan = TicketPlan(row={})
    plan.events.append(
        _event("created", created, creator, channel=channel, data={"number": number})
    )
    talk = _Conversation(plan, story, contact, channel)
    _play(rng, refs, plan, talk, timeline, created, now, team.id, assignee)

    def at(minutes: float | None) -> dt.datetime | None:
        return None if minutes is None else created + dt.timedelta(minutes=minutes)

    reacted_at = next(
        (c["created_at"] for c in plan.comments if c["author_contact_id"] is None), None
    )
    status_id, phase = refs.statuses[timeline.final]
    priority_id, weight = refs.priorities[priority]
    assigned = timeline.assigned is not None
    reaction_due = created + dt.timedelta(minutes=REACTION_TARGET[priority])
    resolution_due = created + dt.timedelta(minutes=RESOLUTION_TARGET[priority])
    resolved_at, closed_at = at(timeline.resolved), at(timeline.closed)
    plan.row = {
        "number": number, "title": story.title[:300], "description": text_to_html(description),
        "type_id": refs.types[ticket_type], "category_id": refs.categories.get(story.problem.category),
        "priority_id": priority_id, "priority_weight": weight, "status_id": status_id,
        "phase": phase, "channel": channel, "company_id": company.id, "contact_id": contact.id,
        "site_id": site.id, "equipment_id": equipment.id if equipment else None,
        **_contract_columns(company, site.id, equipment.covered if equipment else None),
        "team_id": team.id if assigned else None, "assignee_id": assignee if assigned else None,
        "created_by_id": creator, "parent_id": None, "merged_into_id": None, "custom_fields": {},
        "reaction_due": reaction_due, "resolution_due": resolution_due,
        "reacted_at": reacted_at, "resolved_at": resolved_at, "closed_at": closed_at,
        "paused_minutes": 0,
        "reaction_breached": (reacted_at or now) > reaction_due,
        "resolution_breached": (resolved_at or now) > resolution_due,
        "rating": _rating(rng) if timeline.final == "closed" else None,
        "created_at": created, "updated_at": max(e["created_at"] for e in plan.events), "version": 1,
    }  # fmt: skip
    plan.doc = "\n".join([plan.row["title"], description, *talk.texts])
    return plan


def _pick_channel(rng: random.Random, kind: str, ticket_type: str, contact: ContactRef) -> str:
    if ticket_type == "planned_work":
        return "desk"
    channel = rng.choices(CHANNELS, weights=CHANNEL_WEIGHTS)[0]
    if channel == "monitoring" and kind not in MONITORED_KINDS:
        return "email"
    if channel == "portal" and contact.user_id is None:
        return "email"
    return channel


def _creator(rng: random.Random, refs: Refs, channel: str, contact: ContactRef) -> int | None:
    if channel == "portal":
        return contact.user_id
    if channel in ("desk", "phone"):
        return refs.first_line_agent(rng)
    return None


def _contract_columns(company: CompanyRef, site_id: int, covered: bool | None) -> dict[str, Any]:
    """The current contract if it covers the equipment (or, without equipment, the site)."""
    if covered is None:
        sites = company.contract_site_ids
        covered = sites is None or site_id in sites
        return {"contract_id": company.contract_id if covered else None, "not_covered": False}
    contract = company.contract_id if covered else None
    return {"contract_id": contract, "not_covered": contract is None}


def _rating(rng: random.Random) -> int | None:
    if rng.random() >= 0.4:
        return None
    return rng.choices((5, 4, 3, 2, 1), weights=(60, 25, 8, 4, 3))[0]


def _play(
    rng: random.Random,
    refs: Refs,
    plan: TicketPlan,
    talk: _Conversation,
    line: _Timeline,
    created: dt.datetime,
    now: dt.datetime,
    team_id: int,
    assignee: int | None,
) -> None:
    """Append the assignment, comments and status changes of `line` to the plan."""

    def at(minutes: float) -> dt.datetime:
        return min(created + dt.timedelta(minutes=minutes), now)

    age = (now - created).total_seconds() / 60
    if line.assigned is not None:
        changes = {"team_id": [None, team_id], "assignee_id": [None, assignee]}
        assigned = _event(
            "assigned", at(line.assigned), assignee, changes=changes, data={"reason": ""}
        )
        plan.events.append(assigned)
    if line.reacted is None:
        if age > 60 and rng.random() < 0.3:  # "any news?"
            talk.client_says(at(age * rng.uniform(0.3, 0.9)), talk.story.reply(rng, "client"))
        return
    agent = assignee or refs.first_line_agent(rng)
    plan.events.append(_status_event(at(line.reacted), agent, refs, "new", "in_progress"))
    asked = _converse(rng, talk, line, agent, at, age)
    if asked is not None:
        plan.events.append(_status_event(asked, agent, refs, "in_progress", "waiting_client"))
    if line.resolved is not None:
        plan.events.append(_status_event(at(line.resolved), agent, refs, "in_progress", "resolved"))
    if line.closed is not None:
        closer = talk.contact.user_id if rng.random() < 0.3 else None
        plan.events.append(_status_event(at(line.closed), closer, refs, "resolved", "closed"))
    plan.events.sort(key=lambda e: e["created_at"])


def _converse(
    rng: random.Random,
    talk: _Conversation,
    line: _Timeline,
    agent: int | None,
    at: Callable[[float], dt.datetime],
    age: float,
) -> dt.datetime | None:
    """Agent and client take turns, the agent first; the moment the agent asked, if waiting."""
    assert line.reacted is not None
    story, asked = talk.story, None
    end = line.resolved if line.resolved is not None else age * 0.98
    count = rng.choices((1, 2, 3, 4), weights=(30, 35, 22, 13))[0] if end - line.reacted > 10 else 1
    if line.final == "waiting_client" and count % 2 == 0:
        count -= 1  # the agent asks last
    low, high = line.reacted + 1, max(line.reacted + 2, end - 2)
    moments = [line.reacted + 0.5, *sorted(rng.uniform(low, high) for _ in range(count - 1))]
    for index, minute in enumerate(moments):
        last = index == count - 1
        if index % 2:  # the client
            if last and line.resolved is not None:  # confirms the fix
                talk.client_says(at(line.resolved + 30), story.reply(rng, "confirm"))
            else:
                talk.client_says(at(minute), story.reply(rng, "client"))
            continue
        kind = "first" if index == 0 else "agent"
        if last and line.final == "waiting_client":
            kind, asked = "waiting", at(minute + 1)
        elif last and line.resolved is not None:
            kind, minute = "resolved", max(minute, line.resolved - 1)
        public = kind != "agent" or rng.random() < 0.5
        talk.agent_says(
            at(minute), agent, story.reply(rng, kind if public else "note"), public=public
        )
    return asked
