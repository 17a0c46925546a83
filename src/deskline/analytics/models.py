"""Pre-aggregated daily ticket figures and each ticket's last contribution to them.

`DailyTicketStats` holds one row per day × team × agent × company × priority × type × channel
(0 stands for "none" so that the key is unique in every database). `TicketFact` remembers what
each ticket last added, so that a change subtracts the old contribution and adds the new one.
`TicketDuration` keeps each ticket's first-response and resolution time (wall and business
minutes, worked out once when they happen) with the same dimensions, narrow and indexed by the
day they count on, so that a percentile over a year is one query, not a year of clock arithmetic.

Two more rollups keep reports off the detail rows when the filters allow: `DailyAgentStats` (the
counters per day × team × agent: the per-agent and per-team breakdowns) and
`DailyDurationBuckets` (per day and measure, how many tickets fell in each minute bucket: the
time distributions with no dimension filter, the exact minutes read back only for the one or two
buckets where a percentile falls). Both are kept by the same event reaction and the same rebuild.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

DIMENSIONS = ("team_id", "agent_id", "company_id", "priority_id", "type_id", "channel")
ROLLUP_DIMENSIONS = ("team_id", "priority_id", "type_id", "channel")
AGENT_DIMENSIONS = ("team_id", "agent_id")
COUNTERS = (
    "created",
    "resolved",
    "reaction_met",
    "reaction_breached",
    "resolution_met",
    "resolution_breached",
    "first_response_minutes",
    "first_response_count",
    "resolution_minutes",
    "resolution_count",
    "rating_sum",
    "rating_count",
    "reopened",
    "first_contact",
)


class DailyCounters(models.Model):
    """The counters every daily table keeps (see COUNTERS)."""

    created = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    reaction_met = models.IntegerField(default=0)
    reaction_breached = models.IntegerField(default=0)
    resolution_met = models.IntegerField(default=0)
    resolution_breached = models.IntegerField(default=0)
    first_response_minutes = models.BigIntegerField(default=0)
    first_response_count = models.IntegerField(default=0)
    resolution_minutes = models.BigIntegerField(default=0)
    resolution_count = models.IntegerField(default=0)
    rating_sum = models.IntegerField(default=0)
    rating_count = models.IntegerField(default=0)
    #: Resolved tickets that had been reopened at least once (counted on the day resolved).
    reopened = models.IntegerField(default=0)
    #: Resolved tickets solved with at most one public agent reply and never reopened.
    first_contact = models.IntegerField(default=0)

    class Meta:
        abstract = True


class ReportDimensions(models.Model):
    """The DIMENSIONS the reports filter on, as ids (0 for none) and the channel's code."""

    team_id = models.BigIntegerField(default=0)
    agent_id = models.BigIntegerField(default=0)
    company_id = models.BigIntegerField(default=0)
    priority_id = models.BigIntegerField(default=0)
    type_id = models.BigIntegerField(default=0)
    channel = models.CharField(max_length=16, default="")

    class Meta:
        abstract = True


class DailyTicketStats(DailyCounters, ReportDimensions):
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", *DIMENSIONS], name="daily_stats_key"),
        ]
        indexes = [
            models.Index(fields=["team_id", "day"], name="daily_stats_team"),
            models.Index(fields=["company_id", "day"], name="daily_stats_company"),
            models.Index(fields=["agent_id", "day"], name="daily_stats_agent"),
        ]

    def __str__(self) -> str:
        return f"{self.day} team {self.team_id} agent {self.agent_id} company {self.company_id}"


class DailyTeamStats(DailyCounters):
    """The same counters rolled up without agent and company: what most reports read (a year
    is a few thousand rows whatever the number of tickets)."""

    day = models.DateField()
    team_id = models.BigIntegerField(default=0)
    priority_id = models.BigIntegerField(default=0)
    type_id = models.BigIntegerField(default=0)
    channel = models.CharField(max_length=16, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", *ROLLUP_DIMENSIONS], name="daily_team_stats_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} team {self.team_id}"


class DailyAgentStats(DailyCounters):
    """The same counters per day × team × agent (company, priority, type and channel summed):
    the per-agent breakdown over a year is agents × days rows whatever the number of tickets."""

    day = models.DateField()
    team_id = models.BigIntegerField(default=0)
    agent_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", *AGENT_DIMENSIONS], name="daily_agent_stats_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} team {self.team_id} agent {self.agent_id}"


class DailyDurationBuckets(models.Model):
    """How many tickets' `measure` (a `TicketDuration` minute column) ended on `day` with a
    value in the bucket starting at `bucket` minutes (`durations.duration_bucket`)."""

    day = models.DateField()
    measure = models.CharField(max_length=32)
    bucket = models.IntegerField()
    tickets = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "day", "bucket"], name="daily_duration_buckets_key"
            ),
        ]
        indexes = [
            # A year of one measure read from the index alone on PostgreSQL.
            models.Index(
                fields=["measure", "day"],
                name="duration_buckets_read",
                include=["bucket", "tickets"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.measure} from {self.bucket} min"


class TicketFact(models.Model):
    """The rows a ticket last contributed: {"YYYY-MM-DD|team|agent|...": {counter: value}}."""

    ticket_id = models.BigIntegerField(primary_key=True)
    contribution = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"ticket {self.ticket_id}"


_OTHER_DIMENSIONS = ["agent_id", "company_id", "priority_id", "type_id", "channel"]


class TicketDuration(ReportDimensions):
    """A ticket's first response and resolution in whole minutes (wall and business time on its
    SLA calendar), counted when answered / resolved; dimensions as the daily rows keep them (the
    ticket's current values, 0 for none). Kept by the same event reaction as `TicketFact`."""

    ticket_id = models.BigIntegerField(primary_key=True)
    #: The SLA calendar the business minutes were counted on (None: around the clock).
    calendar_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField()
    reacted_at = models.DateTimeField(null=True)
    first_response_wall = models.IntegerField(null=True)
    first_response_business = models.IntegerField(null=True)
    resolved_at = models.DateTimeField(null=True)
    resolution_wall = models.IntegerField(null=True)
    resolution_business = models.IntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["reacted_at"], name="duration_reacted"),
            models.Index(fields=["resolved_at"], name="duration_resolved"),
            # A team's year is a small slice of the year (the filter reports use most); on
            # PostgreSQL the other dimensions and the minutes ride along, so that a filtered
            # distribution is read from the index alone (SQLite leaves INCLUDE out).
            models.Index(
                fields=["team_id", "reacted_at"],
                name="duration_team_reacted_cov",
                include=[*_OTHER_DIMENSIONS, "first_response_business", "first_response_wall"],
            ),
            models.Index(
                fields=["team_id", "resolved_at"],
                name="duration_team_resolved_cov",
                include=[*_OTHER_DIMENSIONS, "resolution_business", "resolution_wall"],
            ),
            # The exact minutes of one bucket of the period (where a percentile falls).
            models.Index(
                fields=["first_response_business", "reacted_at"], name="duration_fr_business"
            ),
            models.Index(fields=["first_response_wall", "reacted_at"], name="duration_fr_wall"),
            models.Index(
                fields=["resolution_business", "resolved_at"], name="duration_res_business"
            ),
            models.Index(fields=["resolution_wall", "resolved_at"], name="duration_res_wall"),
        ]

    def __str__(self) -> str:
        return f"ticket {self.ticket_id}"


class ScheduledReport(models.Model):
    """A report mailed on a schedule as a PDF (with its chart) and an XLSX: each week (Monday,
    for the week before) or each month (on the 1st, for the month before)."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    name = models.CharField(_("name"), max_length=200)
    report = models.CharField(
        _("report"), max_length=16,
        choices=[("sla", _("SLA compliance")), ("flow", _("Created and resolved")),
                 ("distribution", _("Response and resolution times")),
                 ("breakdown", _("Breakdown")), ("csat", _("Client satisfaction")),
                 ("channels", _("Channel mix")), ("nps", _("Net Promoter Score")),
                 ("breaches", _("SLA breaches and their causes")),
                 ("answers", _("Survey answers and call-backs")),
                 ("stress", _("Stress check-ins per team")), ("time", _("Time spent")),
                 ("tone", _("Tone of clients' messages"))],
    )  # fmt: skip
    filters = models.JSONField(
        _("filters"), default=dict, blank=True,
        help_text=_('As the report API takes them, e.g. {"team": 3, "grain": "week"}.'),
    )  # fmt: skip
    frequency = models.CharField(
        _("frequency"), max_length=8, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    recipients = models.TextField(_("recipients"), help_text=_("E-mail addresses, one per line."))
    language = models.CharField(_("language"), max_length=8, default="en")
    is_active = models.BooleanField(_("active"), default=True)
    #: The last day of the last period mailed (a period is mailed once).
    last_period_end = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("scheduled report")

    def __str__(self) -> str:
        return self.name
