"""The reports as tables (columns + rows) built from the selectors: one shape for the API,
CSV and XLSX exports, pages and PDFs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import Team, User
from deskline.analytics import selectors
from deskline.analytics.durations import BUCKET_EDGES, Clock
from deskline.analytics.figures import backlog_line, sla_figures
from deskline.analytics.selectors import Grain, StatsFilter
from deskline.analytics.time_measures import time_distributions
from deskline.analytics.tone import tone_by_period
from deskline.clients.models import Company
from deskline.feedback.nps_score import nps_figures
from deskline.knowledge.article_models import Deflection
from deskline.tickets.models import Priority, TicketType

REPORTS = ("sla", "flow", "distribution", "breakdown", "csat", "channels", "nps", "breaches",
           "answers", "stress", "time", "tone")  # fmt: skip


@dataclass
class Table:
    """A report: a title, (key, label) columns and rows of plain values."""

    name: str
    title: Any
    columns: list[tuple[str, Any]]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": str(self.title),
            "columns": [{"key": k, "label": str(label)} for k, label in self.columns],
            "rows": self.rows,
        }


def report_build(
    *, name: str, f: StatsFilter, grain: Grain = "day", by: str = "team", clock: Clock = "business"
) -> Table:
    """The named report over the filter (`clock` is for the time distributions)."""
    if name == "sla":
        return _sla(f, grain)
    if name == "flow":
        return _flow(f, grain)
    if name == "distribution":
        return _distribution(f, clock)
    if name == "breakdown":
        return _breakdown(f, by)
    if name == "csat":
        return _csat(f, grain)
    if name == "channels":
        return _channels(f)
    if name == "nps":
        return _nps(f, grain)
    if name == "breaches":
        return _breaches(f)
    if name == "answers":
        table = Table("answers", _("Survey answers and call-backs"), [
            ("number", _("Ticket")), ("title", _("Title")), ("company", _("Company")),
            ("contact", _("Contact")), ("score", _("Score")), ("comment", _("Comment")),
            ("answered", _("Answered")), ("call_back", _("Call-back")),
        ])  # fmt: skip
        table.rows = selectors.survey_answers(f=f)
        return table
    if name == "time":
        table = Table("time", _("Time spent"), [
            ("agent", _("Agent")), ("hours", _("Hours")), ("billable_hours", _("Billable hours")),
            ("tickets", _("Tickets")), ("minutes", _("Minutes")),
        ])  # fmt: skip
        table.rows = selectors.time_spent(f=f)
        return table
    if name == "tone":
        table = Table("tone", _("Tone of clients' messages"), [
            ("period", _("Period")), ("tickets", _("Tickets with a client message")),
            ("negative", _("Negative")), ("negative_pct", _("Negative, %")),
            ("angry", _("Angry")), ("urgent", _("Urgent")), ("messages", _("Messages")),
        ])  # fmt: skip
        table.rows = tone_by_period(f=f, grain=grain)
        return table
    if name == "stress":
        table = Table("stress", _("Stress check-ins per team"), [
            ("period", _("Period")), ("team", _("Team")), ("low", _("Calm")),
            ("medium", _("Busy")), ("high", _("Too much")), ("high_pct", _("Too much, %")),
        ])  # fmt: skip
        table.rows = selectors.stress_by_team(f=f, grain=grain)
        return table
    raise KeyError(name)


def _breaches(f: StatsFilter) -> Table:
    """Breached deadlines of the period and their causes: time per status, handovers."""
    table = Table("breaches", _("SLA breaches and their causes"), [
        ("number", _("Ticket")), ("title", _("Title")), ("team", _("Team")),
        ("breached", _("Deadline")), ("due", _("Due")), ("late_hours", _("Late, hours")),
        ("handovers", _("Handovers")), ("time_in_statuses", _("Time in each status")),
    ])  # fmt: skip
    table.rows = selectors.breached_tickets(f=f)
    return table


def _nps(f: StatsFilter, grain: Grain) -> Table:
    """NPS per period of sending, with the answer rate (the company filter applies)."""
    table = Table("nps", _("Net Promoter Score"), [
        ("period", _("Period")), ("sent", _("Asked")), ("answered", _("Answered")),
        ("answer_rate", _("Answer rate, %")), ("promoters", _("Promoters")),
        ("passives", _("Passives")), ("detractors", _("Detractors")), ("nps", _("NPS")),
    ])  # fmt: skip
    for period, sent, scores in selectors.nps_series(f=f, grain=grain):
        figures = nps_figures(sent, scores)
        table.rows.append({
            "period": period.isoformat(), "sent": figures.sent, "answered": figures.answered,
            "answer_rate": figures.answer_rate, "promoters": figures.promoters,
            "passives": figures.passives, "detractors": figures.detractors, "nps": figures.nps,
        })  # fmt: skip
    return table


def _sla(f: StatsFilter, grain: Grain) -> Table:
    table = Table("sla", _("SLA compliance"), [
        ("period", _("Period")), ("reaction_met", _("Reactions met")),
        ("reaction_breached", _("Reactions breached")), ("reaction_met_pct", _("Reaction met, %")),
        ("resolution_met", _("Resolutions met")), ("resolution_breached", _("Resolutions breached")),
        ("resolution_met_pct", _("Resolution met, %")),
    ])  # fmt: skip
    for row in selectors.stats_series(f=f, grain=grain):
        figures = sla_figures(row)
        table.rows.append({
            "period": row["period"].isoformat(),
            "reaction_met": row["reaction_met"], "reaction_breached": row["reaction_breached"],
            "reaction_met_pct": figures["reaction_met_pct"],
            "resolution_met": row["resolution_met"],
            "resolution_breached": row["resolution_breached"],
            "resolution_met_pct": figures["resolution_met_pct"],
        })  # fmt: skip
    return table


def _flow(f: StatsFilter, grain: Grain) -> Table:
    table = Table("flow", _("Created and resolved"), [
        ("period", _("Period")), ("created", _("Created")), ("resolved", _("Resolved")),
        ("backlog", _("Backlog at the end")), ("reopen_pct", _("Reopened, %")),
        ("first_contact_pct", _("First-contact resolution, %")),
    ])  # fmt: skip
    series = selectors.stats_series(f=f, grain=grain)
    backlog = backlog_line(series, start=selectors.stats_backlog_before(f=f))
    for row, open_now in zip(series, backlog, strict=True):
        figures = sla_figures(row)
        table.rows.append({"period": row["period"].isoformat(), "created": row["created"],
                           "resolved": row["resolved"], "backlog": open_now,
                           "reopen_pct": figures["reopen_pct"],
                           "first_contact_pct": figures["first_contact_pct"]})  # fmt: skip
    return table


def _bucket_label(low: int | None, high: int | None) -> str:
    """ "under 15 min", "1–2 h", "120 h and more" (the histogram's columns)."""

    def amount(minutes: int) -> str:
        if minutes < 60:
            return str(_("%(n)d min") % {"n": minutes})
        return str(_("%(n)d h") % {"n": minutes // 60})

    if low is None:
        return str(_("under %(amount)s") % {"amount": amount(high or 0)})
    if high is None:
        return str(_("%(amount)s and more") % {"amount": amount(low)})
    return f"{amount(low)}–{amount(high)}"


BUCKET_KEYS = tuple(f"under_{edge}" for edge in BUCKET_EDGES) + (f"over_{BUCKET_EDGES[-1]}",)


def _distribution(f: StatsFilter, clock: Clock) -> Table:
    """Median, 90th percentile and histogram of first response, resolution and the time in
    each status, in business minutes (the ticket's SLA calendar) or wall-clock minutes."""
    title = (_("Response and resolution times (minutes of business time)") if clock == "business"
             else _("Response and resolution times (minutes, wall-clock time)"))  # fmt: skip
    bounds = list(zip((None, *BUCKET_EDGES), (*BUCKET_EDGES, None), strict=True))
    table = Table("distribution", title, [
        ("measure", _("Measure")), ("count", _("Tickets")), ("median", _("Median")),
        ("p90", _("90th percentile")),
        *((key, _bucket_label(low, high)) for key, (low, high) in zip(BUCKET_KEYS, bounds,
                                                                       strict=True)),
    ])  # fmt: skip
    labels = {"first_response": _("First response"), "resolution": _("Resolution")}
    for measure in time_distributions(f=f, clock=clock):
        figures = measure.figures
        label = labels.get(measure.key) or _("In status “%(status)s”") % {"status": measure.status}
        table.rows.append({"measure": str(label), "count": figures.count,
                           "median": figures.median, "p90": figures.p90,
                           **dict(zip(BUCKET_KEYS, figures.buckets, strict=True))})  # fmt: skip
    return table


def _labels(by: str, keys: list[Any]) -> dict[Any, str]:
    """Names for the keys of a breakdown, one query."""
    if by == "channel":
        return {k: k or "—" for k in keys}
    model = {"team": Team, "agent": User, "company": Company, "priority": Priority,
             "type": TicketType}[by]  # fmt: skip
    names = {obj.pk: str(obj) for obj in model.objects.filter(pk__in=keys)}  # type: ignore[attr-defined]
    return {k: names.get(k, "—") for k in keys}


def _breakdown(f: StatsFilter, by: str, *, name: str = "breakdown", title: Any = None) -> Table:
    table = Table(name, title or _("Per %(dimension)s") % {"dimension": by}, [
        ("key", _("Id")), ("label", _("Name")), ("created", _("Created")),
        ("resolved", _("Resolved")), ("reaction_met_pct", _("Reaction met, %")),
        ("resolution_met_pct", _("Resolution met, %")),
        ("first_response_avg_minutes", _("First response, average minutes")),
        ("resolution_avg_minutes", _("Resolution, average minutes")), ("csat_avg", _("CSAT")),
        ("reopen_pct", _("Reopened, %")), ("first_contact_pct", _("First-contact resolution, %")),
    ])  # fmt: skip
    rows = selectors.stats_breakdown(f=f, by=by)
    labels = _labels(by, [r["key"] for r in rows])
    for row in rows:
        figures = sla_figures(row)
        table.rows.append({
            "key": row["key"], "label": labels[row["key"]], "created": row["created"],
            "resolved": row["resolved"], "reaction_met_pct": figures["reaction_met_pct"],
            "resolution_met_pct": figures["resolution_met_pct"],
            "first_response_avg_minutes": figures["first_response_avg_minutes"],
            "resolution_avg_minutes": figures["resolution_avg_minutes"],
            "csat_avg": figures["csat_avg"], "reopen_pct": figures["reopen_pct"],
            "first_contact_pct": figures["first_contact_pct"],
        })  # fmt: skip
    return table


def _channels(f: StatsFilter) -> Table:
    """Tickets per channel, then the questions self-service answered with no ticket (portal
    form, bot) and the deflection rate: answered / (answered + tickets from the portal and the
    chat channels where self-service is offered)."""
    table = _breakdown(f, "channel", name="channels", title=_("Channel mix"))
    table.columns.append(("deflection_pct", _("Deflected, %")))
    if f.team or f.agent or f.type or f.priority or f.channel:
        return table
    sources = dict(Deflection.Source.choices)
    answered = selectors.deflections_by_source(f=f)
    offered = sum(r["created"] for r in table.rows if r["key"] in ("portal", "telegram"))
    total = sum(n for _source, n in answered)
    for source, n in answered:
        table.rows.append({"key": f"self-service:{source}",
                           "label": _("Answered by self-service (%(source)s)")
                           % {"source": sources.get(source, source)}, "created": n,
                           "deflection_pct": round(100 * n / (total + offered), 1)
                           if total + offered else None})  # fmt: skip
    return table


def _csat(f: StatsFilter, grain: Grain) -> Table:
    table = Table("csat", _("Client satisfaction"), [
        ("period", _("Period")), ("ratings", _("Ratings")), ("csat_avg", _("Average score")),
    ])  # fmt: skip
    for row in selectors.stats_series(f=f, grain=grain):
        table.rows.append({"period": row["period"].isoformat(), "ratings": row["rating_count"],
                           "csat_avg": sla_figures(row)["csat_avg"]})  # fmt: skip
    return table
