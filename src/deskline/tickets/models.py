"""The ticket and its reference data (statuses, transitions, types, priorities, categories)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import Team
from deskline.clients.models import Company, Contact, Contract, Equipment, Site
from deskline.core.lookups import InLiteral
from deskline.tickets.payloads import Payload, known_kinds, parse


class Phase(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_PHASES = (Phase.NEW, Phase.OPEN, Phase.WAITING)


class Channel(models.TextChoices):
    DESK = "desk", _("Agent desk")
    PORTAL = "portal", _("Client portal")
    EMAIL = "email", _("Email")
    API = "api", _("REST API")
    TELEGRAM = "telegram", _("Telegram")
    PHONE = "phone", _("Phone")
    MONITORING = "monitoring", _("Monitoring")


class Status(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True)
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices)
    color = models.CharField(_("colour"), max_length=7, default="#6b7280")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_initial = models.BooleanField(
        _("initial"), default=False, help_text=_("New tickets start in this status.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    reopens_on_client_reply = models.BooleanField(
        _("a client's reply reopens"),
        default=True,
        help_text=_("For resolved statuses: a reply by mail from the client reopens the ticket."),
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = _("statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["is_initial"],
                condition=models.Q(is_initial=True),
                name="status_single_initial",
            )
        ]

    def __str__(self) -> str:
        return self.name


class StatusTransition(models.Model):
    from_status = models.ForeignKey(
        Status, on_delete=models.CASCADE, related_name="transitions_out"
    )
    to_status = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="transitions_in")
    comment_required = models.BooleanField(_("comment required"), default=False)
    clients_may_use = models.BooleanField(
        _("clients may use"), default=False, help_text=_("E.g. confirm or reopen from the portal.")
    )

    class Meta:
        ordering = ["from_status__order", "to_status__order"]
        constraints = [
            models.UniqueConstraint(fields=["from_status", "to_status"], name="transition_unique"),
            models.CheckConstraint(
                condition=~models.Q(from_status=models.F("to_status")), name="transition_not_loop"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class TicketType(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True)
    open_to_clients = models.BooleanField(_("clients may choose it"), default=True)
    is_default = models.BooleanField(_("default"), default=False)
    needs_visit = models.BooleanField(
        _("needs a visit on site"),
        default=False,
        help_text=_("Open tickets of this type with a site wait on the dispatch board."),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Priority(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), unique=True, help_text=_("Higher is more urgent.")
    )
    color = models.CharField(_("colour"), max_length=7, default="#6b7280")
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        ordering = ["-weight"]
        verbose_name_plural = _("priorities")

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    name = models.CharField(_("name"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class CustomField(models.Model):
    class FieldType(models.TextChoices):
        STRING = "string", _("String")
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        DATETIME = "datetime", _("Date and time")
        CHECKBOX = "checkbox", _("Checkbox")
        SELECT = "select", _("Select")
        MULTISELECT = "multiselect", _("Multiple select")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    field_type = models.CharField(_("type"), max_length=16, choices=FieldType.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    visible_to_clients = models.BooleanField(_("visible to clients"), default=False)
    ticket_types = models.ManyToManyField(
        TicketType,
        blank=True,
        related_name="custom_fields",
        help_text=_("Ticket types the field is enabled for."),
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Ticket(models.Model):
    number = models.BigIntegerField(_("number"), unique=True, editable=False)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, help_text=_("Sanitised HTML"))
    type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="tickets")
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="tickets")
    # Copied from the priority so lists sort by urgency on an index, without a join.
    priority_weight = models.PositiveSmallIntegerField(editable=False)
    # Indexed by the composite indexes below that start with it (as are team, assignee, company
    # and contact): a second single-column index would only slow writes and planning.
    status = models.ForeignKey(
        Status, on_delete=models.PROTECT, related_name="tickets", db_index=False
    )
    phase = models.CharField(max_length=16, choices=Phase.choices, editable=False)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.API)

    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        db_index=False,
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        db_index=False,
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        db_index=False,
    )
    equipment = models.ForeignKey(
        Equipment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        db_index=False,
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    not_covered = models.BooleanField(
        _("not covered by a contract"),
        default=False,
        help_text=_("Equipment without a live contract"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        db_index=False,
    )
    observers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="observed_tickets"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_tickets",
    )
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_tickets"
    )
    custom_fields = models.JSONField(default=dict, blank=True)

    # SLA: planned deadlines and actual times.
    reaction_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    reacted_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    paused_minutes = models.PositiveIntegerField(default=0)
    reaction_breached = models.BooleanField(default=False)
    resolution_breached = models.BooleanField(default=False)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)

    created_at = models.DateTimeField(editable=False)
    updated_at = models.DateTimeField(editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-number"]
        indexes = [
            models.Index(
                fields=["status", "team", "updated_at", "id"], name="ticket_status_team_upd"
            ),
            models.Index(fields=["updated_at", "id"], name="ticket_updated_idx"),
            models.Index(fields=["created_at", "id"], name="ticket_created_idx"),
            models.Index(fields=["priority_weight", "id"], name="ticket_priority_idx"),
            models.Index(fields=["phase", "updated_at", "id"], name="ticket_phase_upd"),
            models.Index(fields=["team", "updated_at", "id"], name="ticket_team_upd"),
            models.Index(fields=["assignee", "updated_at", "id"], name="ticket_assignee_upd"),
            models.Index(fields=["company", "updated_at", "id"], name="ticket_company_upd"),
            models.Index(fields=["contact", "updated_at", "id"], name="ticket_contact_upd"),
            # The ticket page's site and equipment cards (their latest tickets) and the
            # registry pages' ticket lists read these in order, as the company's and contact's.
            models.Index(fields=["site", "updated_at", "id"], name="ticket_site_upd"),
            models.Index(fields=["equipment", "updated_at", "id"], name="ticket_equipment_upd"),
            models.Index(fields=["phase", "resolution_due"], name="ticket_phase_due"),
            # Members' open-ticket loads for assignment (count and priority weight per
            # assignee), read from the index alone: most tickets are closed. The team (second,
            # for ranges of teams) and id let a user's own part of the view counts (their open
            # tickets outside their teams) be read from it alone too.
            models.Index(
                fields=["assignee", "team", "priority_weight", "id"],
                condition=models.Q(phase__in=OPEN_PHASES),
                name="ticket_open_assignee",
            ),
            # The shared view counts (`tickets.saved_views`): per team, each view's open
            # tickets counted up to the cap, read in order from these (open, waiting and
            # unassigned from the first alone; overdue and at risk by deadline), so a count
            # stops at the cap whatever the number of open tickets.
            models.Index(
                fields=["team", "phase", "assignee"],
                condition=models.Q(phase__in=OPEN_PHASES),
                name="ticket_open_team",
            ),
            # With what overdue and at risk test on each ticket besides its SLA state, so
            # they read the tickets from the index alone.
            models.Index(
                fields=["team", "resolution_due", "reaction_due", "reacted_at", "id"],
                condition=models.Q(phase__in=OPEN_PHASES),
                name="ticket_open_team_due",
            ),
            models.Index(
                fields=["team", "reaction_due"],
                condition=models.Q(phase__in=OPEN_PHASES, reacted_at__isnull=True),
                name="ticket_open_team_unreacted",
            ),
            # The open tickets newest first (the desk's default tab), walked in order: the
            # phase index would read every open ticket and sort them.
            models.Index(
                fields=["updated_at", "id"],
                condition=models.Q(phase__in=OPEN_PHASES),
                name="ticket_open_updated",
            ),
            # Open tickets nobody has answered, by reaction deadline (the overdue view).
            models.Index(
                fields=["reaction_due"],
                condition=models.Q(phase__in=OPEN_PHASES, reacted_at__isnull=True),
                name="ticket_open_unreacted_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="ticket_rating_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="ticket_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.phase in OPEN_PHASES


class TicketLink(models.Model):
    """A symmetric "related" link, stored once with the lower ticket id first."""

    from_ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_out")
    to_ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_in")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_ticket", "to_ticket"], name="ticket_link_unique"),
            models.CheckConstraint(
                condition=models.Q(from_ticket__lt=models.F("to_ticket")),
                name="ticket_link_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_ticket_id} ~ {self.to_ticket_id}"


Ticket._meta.get_field("phase").register_lookup(InLiteral)


class Comment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ticket_comments",
    )
    author_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments"
    )
    body = models.TextField(_("body"), help_text=_("Sanitised HTML"))
    is_public = models.BooleanField(_("public"), default=True)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.API)
    message_id = models.CharField(max_length=998, blank=True, db_index=True)
    #: False for mail whose From: could not be proven (it is then an internal note).
    sender_verified = models.BooleanField(_("sender verified"), default=True)
    moved_from = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at", "id"], name="comment_ticket_idx")]

    def __str__(self) -> str:
        return f"comment {self.pk} on ticket {self.ticket_id}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to="attachments/%Y/%m/")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    is_public = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.filename


class TicketEvent(models.Model):
    """Append-only history: who changed what on a ticket, with before and after values."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        STATUS_CHANGED = "status_changed", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        COMMENTED = "commented", _("Commented")
        ATTACHMENT_ADDED = "attachment_added", _("Attachment added")
        LINKED = "linked", _("Linked")
        UNLINKED = "unlinked", _("Unlinked")
        MERGED = "merged", _("Merged")
        MERGED_INTO = "merged_into", _("Merged into another ticket")
        RATED = "rated", _("Rated")
        ESCALATED = "escalated", _("Escalated")
        ROUTED = "routed", _("Routed")
        SLA = "sla", _("SLA")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    #: A registered payload kind (`payloads.known_kinds()`); other apps add their own.
    kind = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    changes = models.JSONField(default=dict, blank=True, help_text=_("{field: [before, after]}"))
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(editable=False)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at", "id"], name="event_ticket_idx"),
            models.Index(
                fields=["id"],
                condition=models.Q(dispatched_at__isnull=True),
                name="event_undispatched_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on ticket {self.ticket_id}"

    @cached_property
    def payload(self) -> Payload:
        """The typed payload of this event (one class per kind, see `payloads.py`)."""
        return parse(self.kind, self.changes, self.data)

    @property
    def label(self) -> str:
        return known_kinds().get(self.kind, self.kind)


class EventReactionFailure(models.Model):
    """A reaction that raised on an event: retried with backoff by the sweeper, or given up."""

    event = models.ForeignKey(TicketEvent, on_delete=models.CASCADE, related_name="failures")
    reaction = models.CharField(max_length=100)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()
    given_up_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "reaction"], name="reaction_failure_unique")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(resolved_at__isnull=True, given_up_at__isnull=True),
                name="reaction_failure_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reaction} on event {self.event_id}"


class TicketSearch(models.Model):
    """PostgreSQL's full-text vector of a ticket (title, description, comments); see search.py.

    On SQLite the table stays empty and the FTS5 table `tickets_fts` is used instead.
    """

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    vector = SearchVectorField()

    class Meta:
        db_table = "tickets_search"

    def __str__(self) -> str:
        return f"search vector of ticket {self.ticket_id}"


class NumberSequence(models.Model):
    """A counter per name, for databases without sequences (SQLite)."""

    name = models.CharField(max_length=64, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
