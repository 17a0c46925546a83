"""One typed payload per ticket event kind: built by one constructor, read by one parser.

A `TicketEvent` row keeps its kind, a `changes` column ({field: [before, after]}, what the
history shows) and a `data` column (the payload's other fields and `"v"`, its version).
Producers pass a payload to `event_record`; consumers read `event.payload`, never the raw
columns, so a producer and a consumer cannot disagree about a key: a field that is renamed
breaks the type check and the tests that feed each consumer a payload from the real producer.

Other apps add their own kinds (a visit planned, a charge added, a survey answered) by
subclassing `Payload` in their app and decorating the class with `@event_kind`.

Versioning: a payload whose shape changes gets `VERSION + 1` and an `upgrade()` that turns the
stored older shape into the new one, so old rows stay readable.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field

#: A change of one field: [before, after].
Change = tuple[Any, Any]


class Payload(BaseModel):
    """The base of every event payload."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    KIND: ClassVar[str] = ""
    LABEL: ClassVar[str] = ""
    VERSION: ClassVar[int] = 1
    #: Fields stored in the `changes` column as {name: [before, after]} (shown in history).
    CHANGE_FIELDS: ClassVar[tuple[str, ...]] = ()
    #: A field holding a whole {name: [before, after]} mapping stored as the `changes` column.
    CHANGES_MAPPING: ClassVar[str] = ""

    def to_row(self) -> tuple[dict[str, list[Any]], dict[str, Any]]:
        """The (changes, data) columns of the event row."""
        data = self.model_dump(mode="json")
        changes: dict[str, list[Any]] = {}
        if self.CHANGES_MAPPING:
            changes.update(data.pop(self.CHANGES_MAPPING) or {})
        for name in self.CHANGE_FIELDS:
            value = data.pop(name)
            if value is not None:
                changes[name] = list(value)
        data["v"] = self.VERSION
        return changes, data

    @classmethod
    def from_row(cls, changes: dict[str, Any], data: dict[str, Any]) -> Payload:
        values = dict(data)
        version = values.pop("v", 1)
        if version != cls.VERSION:
            values, changes = cls.upgrade(version, values, changes)
        if cls.CHANGES_MAPPING:
            values[cls.CHANGES_MAPPING] = changes
        for name in cls.CHANGE_FIELDS:
            values[name] = changes.get(name)
        return cls.model_validate(values)

    @classmethod
    def upgrade(
        cls, version: int, data: dict[str, Any], changes: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Turn a stored older version into this one (override when VERSION grows)."""
        return data, changes


P = TypeVar("P", bound=type[Payload])
_KINDS: dict[str, type[Payload]] = {}


def event_kind(cls: P) -> P:
    """Register a payload class for its KIND (one class per kind)."""
    if not cls.KIND:
        raise TypeError(f"{cls.__name__} has no KIND")
    existing = _KINDS.get(cls.KIND)
    if existing is not None and existing.__qualname__ != cls.__qualname__:
        raise TypeError(f"event kind {cls.KIND!r} is registered twice")
    _KINDS[cls.KIND] = cls
    return cls


def payload_class(kind: str) -> type[Payload]:
    try:
        return _KINDS[kind]
    except KeyError:
        raise LookupError(f"no payload registered for event kind {kind!r}") from None


def known_kinds() -> dict[str, str]:
    """Every registered kind with its label (for filters and the admin)."""
    return {kind: cls.LABEL or kind for kind, cls in sorted(_KINDS.items())}


def parse(kind: str, changes: dict[str, Any], data: dict[str, Any]) -> Payload:
    return payload_class(kind).from_row(changes or {}, data or {})


# The ticket core's own kinds.


class RoutingOutcome(BaseModel):
    """What routing decided for a ticket and why (carried by `created`, or by `routed`)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    matches: list[dict[str, Any]] = Field(default_factory=list)
    set: dict[str, Any] = Field(default_factory=dict)
    explanation: list[str] = Field(default_factory=list)
    applied: dict[str, Any] = Field(default_factory=dict)
    skipped: dict[str, str] = Field(default_factory=dict)
    assignment: dict[str, Any] = Field(default_factory=dict)
    sla_policy_id: int | None = None


@event_kind
class Created(Payload):
    """A new ticket, with what the deciders (triage, routing, SLA) decided before its INSERT."""

    KIND, LABEL = "created", "Created"
    number: int
    #: Each decider's record by its name ("triage", "routing", "sla"); see `deciders.py`.
    decisions: dict[str, Any] = Field(default_factory=dict)
    #: The contact an agent recorded the request for (a call): the requester in their words.
    on_behalf_of: str = ""

    @property
    def routing(self) -> RoutingOutcome | None:
        record = self.decisions.get("routing")
        return RoutingOutcome.model_validate(record) if record else None

    @property
    def triage(self) -> dict[str, Any]:
        return dict(self.decisions.get("triage") or {})


@event_kind
class Updated(Payload):
    KIND, LABEL = "updated", "Updated"
    CHANGES_MAPPING = "fields"
    fields: dict[str, Change]


@event_kind
class StatusChanged(Payload):
    KIND, LABEL = "status_changed", "Status changed"
    CHANGE_FIELDS = ("status", "phase")
    status: Change
    phase: Change
    #: The client's reply that reopened the ticket, a trigger, ...: why it moved, if not a person.
    reason: str = ""


@event_kind
class Assigned(Payload):
    KIND, LABEL = "assigned", "Assigned"
    CHANGE_FIELDS = ("team_id", "assignee_id")
    team_id: Change | None = None
    assignee_id: Change | None = None
    reason: str = ""


@event_kind
class Commented(Payload):
    KIND, LABEL = "commented", "Commented"
    comment_id: int
    is_public: bool
    by_client: bool
    #: False when mail claimed a sender it could not prove (kept as an internal note).
    sender_verified: bool = True


@event_kind
class AttachmentAdded(Payload):
    KIND, LABEL = "attachment_added", "Attachment added"
    attachment_id: int
    filename: str
    size: int


@event_kind
class Linked(Payload):
    KIND, LABEL = "linked", "Linked"
    kind: str
    other: int


@event_kind
class Unlinked(Payload):
    KIND, LABEL = "unlinked", "Unlinked"
    other: int


@event_kind
class Merged(Payload):
    KIND, LABEL = "merged", "Merged"
    VERSION = 2
    source: int
    moved_comments: int
    note_id: int

    @classmethod
    def upgrade(
        cls, version: int, data: dict[str, Any], changes: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        # Version 1 named the merged ticket's number "from" (a Python keyword).
        if version == 1 and "from" in data:
            data = {**data, "source": data["from"]}
        return data, changes


@event_kind
class MergedInto(Payload):
    KIND, LABEL = "merged_into", "Merged into another ticket"
    CHANGE_FIELDS = ("status", "phase")
    into: int
    moved_comments: int
    status: Change
    #: Missing in events written before it was recorded.
    phase: Change | None = None


@event_kind
class Rated(Payload):
    KIND, LABEL = "rated", "Rated"
    CHANGE_FIELDS = ("rating",)
    rating: Change
    comment: str = ""


@event_kind
class Escalated(Payload):
    KIND, LABEL = "escalated", "Escalated"
    CHANGE_FIELDS = ("team_id", "line")
    team_id: Change
    line: Change
    direction: str
    reason: str
    assignment: str = ""


@event_kind
class Routed(Payload):
    """Routing applied again to an existing ticket (a rescan); a new ticket's is in `created`."""

    KIND, LABEL = "routed", "Routed"
    routing: RoutingOutcome


@event_kind
class SlaWarning(Payload):
    """An escalation step or the breach-risk model warned people about a deadline."""

    KIND, LABEL = "sla", "SLA warning"
    VERSION = 2
    #: "step" (an escalation step of the policy) or "breach_risk" (the risk model).
    source: str
    #: reaction or resolution
    deadline: str
    due: datetime | None = None
    minutes_left: int | None = None
    step_id: int | None = None
    step_name: str = ""
    #: before, elapsed or breach (the step's trigger); "" for breach risk.
    trigger: str = ""
    risk: float | None = None
    threshold: float | None = None
    #: Users to tell, decided by the producer (assignee, team lead, manager, watchers).
    recipients: list[int] = Field(default_factory=list)
    #: For breach risk when the team is short of agents before the deadline (forecast arrivals
    #: against the agents on shift, Erlang C): the team, the span (UTC) and agents missing.
    staffing_team: str = ""
    staffing_start: datetime | None = None
    staffing_end: datetime | None = None
    staffing_missing: int = 0

    @property
    def is_breach(self) -> bool:
        return self.trigger == "breach"

    @classmethod
    def upgrade(
        cls, version: int, data: dict[str, Any], changes: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        # Version 1 kept the step's name (or "breach_risk") under "warning".
        if version == 1:
            warning = str(data.get("warning") or "")
            risk = warning == "breach_risk"
            data = {
                **data,
                "source": "breach_risk" if risk else "step",
                "step_name": "" if risk else warning,
                "deadline": data.get("deadline") or "resolution",
            }
        return data, changes


@event_kind
class SlaBreached(Payload):
    """A deadline passed while the ticket was open and its clock running."""

    KIND, LABEL = "sla_breached", "SLA breached"
    deadline: str
    due: datetime | None = None


@event_kind
class DeadlineOverridden(Payload):
    """A person set a ticket's deadline by hand (not a warning; notifies only if a rule says so)."""

    KIND, LABEL = "deadline_overridden", "Deadline set by hand"
    CHANGES_MAPPING = "fields"
    fields: dict[str, Change]
    deadline: str
    due: datetime
    reason: str


@event_kind
class Imported(Payload):
    """A ticket, or more of its history, brought in from another help desk as it was there.

    Reactions treat it as history, not news: nobody is notified, no SLA clock starts."""

    KIND, LABEL = "imported", "Imported from another help desk"
    source: str
    external_id: str
    #: The ticket's number in the old system (when it differs, the old number was taken here).
    original_number: str = ""
    #: The old system's status name, as it was there ("Duplicate", "on hold").
    original_status: str = ""
    comments: int = 0
    attachments: int = 0
