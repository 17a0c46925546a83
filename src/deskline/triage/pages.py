"""Reads for triage's pages: a ticket's triage panel and the admins' threshold page."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from deskline.accounts.models import User
from deskline.core.permissions import require_admin, require_staff
from deskline.tickets.access import ticket_get_visible
from deskline.tickets.models import Phase
from deskline.triage.accuracy import WeekAccuracy, monday_of, weekly_accuracy
from deskline.triage.answers import suggested_answers
from deskline.triage.fields import NAMES, column
from deskline.triage.models import (
    DuplicateFlag,
    MassIncident,
    MessageTone,
    Mode,
    TicketPrediction,
    TriageFieldSetting,
    TriageModel,
)

#: Rows of the threshold table shown (the stored table has every 0.01 from 0.30).
SHOWN_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99)
#: Weeks of accuracy over time the threshold page shows.
ACCURACY_WEEKS = 12


def ticket_predictions(*, user: User, number: int) -> dict[str, Any]:
    """The ticket's open suggestions, the values triage applied and the tone of the latest
    inbound message, for the ticket page."""
    require_staff(user)
    ticket = ticket_get_visible(user, number)
    rows = list(TicketPrediction.objects.filter(ticket=ticket).order_by("field"))
    return {
        "ticket": ticket,
        "answers": suggested_answers(user=user, ticket=ticket),
        "tone": MessageTone.objects.filter(ticket=ticket).order_by("-created_at", "-pk").first(),
        "duplicate": DuplicateFlag.objects.filter(ticket=ticket)
        .select_related("of_ticket")
        .first(),
        "incidents": list(
            MassIncident.objects.filter(
                tickets=ticket, state=MassIncident.State.PROPOSED
            ).prefetch_related("tickets__company")
        ),
        "suggested": [p for p in rows if p.outcome == "suggested"],
        "applied": [p for p in rows if p.outcome == "applied"],
    }


@dataclass
class FieldOverview:
    field: str
    mode: str
    threshold: float
    active: TriageModel | None
    versions: list[TriageModel]
    rows: list[dict[str, float]] = dataclasses.field(default_factory=list)
    at_threshold: dict[str, float] | None = None
    outcomes: dict[str, int] = dataclasses.field(default_factory=dict)
    weekly: list[WeekAccuracy] = dataclasses.field(default_factory=list)


def _table(model: TriageModel | None, threshold: float) -> tuple[list[dict[str, float]], Any]:
    if model is None:
        return [], None
    # As percentages, the way the page states them ("at 0.9: 97.8% correct, 61% of tickets").
    stored = {
        round(t, 2): (round(p * 100, 1), round(c * 100, 1))
        for t, p, c in model.metrics.get("thresholds", [])
    }
    rows = [{"threshold": t, "precision": stored[t][0], "coverage": stored[t][1]}
            for t in SHOWN_THRESHOLDS if t in stored]  # fmt: skip
    below = [t for t in stored if t <= threshold + 1e-9]
    chosen = max(below) if below else None
    at = None
    if chosen is not None:
        at = {"threshold": threshold, "precision": stored[chosen][0], "coverage": stored[chosen][1]}
    return rows, at


def accuracy_by_week(*, weeks: int = ACCURACY_WEEKS) -> dict[str, list[WeekAccuracy]]:
    """Per field, the weekly accuracy of the predictions made on tickets now resolved or
    closed: the predicted value against the one the ticket kept (one query)."""
    local = timezone.get_current_timezone()
    since = monday_of(timezone.localdate()) - dt.timedelta(weeks=weeks - 1)
    finals = [f"ticket__{column(name)}" for name in NAMES]
    rows = TicketPrediction.objects.filter(
        ticket__phase__in=(Phase.RESOLVED, Phase.CLOSED),
        created_at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=local),
    ).values_list("field", "created_at", "value_id", *finals)
    return weekly_accuracy(
        (name, at.astimezone(local).date(), value_id, final[NAMES.index(name)])
        for name, at, value_id, *final in rows.iterator(chunk_size=5000)
    )


def threshold_overview(*, user: User) -> list[FieldOverview]:
    """Per field: mode, threshold, the active model's held-out figures and threshold table,
    every version's accuracy over time, and what agents did with the suggestions."""
    require_admin(user)
    settings = {s.field: s for s in TriageFieldSetting.objects.all()}
    versions: dict[str, list[TriageModel]] = {name: [] for name in NAMES}
    for model in TriageModel.objects.defer("artefact").order_by("field", "-version"):
        versions[model.field].append(model)
    outcomes: dict[str, Counter[str]] = {name: Counter() for name in NAMES}
    counted = TicketPrediction.objects.values_list("field", "outcome")
    for name, outcome in counted.iterator(chunk_size=5000):
        outcomes[name][outcome] += 1
    weekly = accuracy_by_week()
    overview = []
    for name in NAMES:
        setting = settings.get(name)
        threshold = setting.threshold if setting else 0.9
        active = next((m for m in versions[name] if m.is_active), None)
        rows, at = _table(active, threshold)
        overview.append(FieldOverview(
            field=name, mode=setting.mode if setting else Mode.OFF, threshold=threshold,
            active=active, versions=versions[name], rows=rows, at_threshold=at,
            outcomes=dict(outcomes[name]), weekly=weekly.get(name, []),
        ))  # fmt: skip
    return overview


def triage_report() -> list[str]:
    """The triage report as lines of text (for `bench/triage.py --report`): per field, each
    version's held-out figures over time, and the fate of the suggestions."""
    lines = []
    outcomes: dict[str, Counter[str]] = {name: Counter() for name in NAMES}
    for name, outcome in TicketPrediction.objects.values_list("field", "outcome").iterator():
        outcomes[name][outcome] += 1
    for name in NAMES:
        lines.append(f"{name}:")
        for model in TriageModel.objects.filter(field=name).defer("artefact").order_by("version"):
            m = model.metrics
            lines.append(
                f"  v{model.version} {model.trained_at:%Y-%m-%d %H:%M} accuracy "
                f"{m.get('accuracy', 0):.3f} ECE {m.get('ece', 0):.3f} on {m.get('test_size', 0)}"
                f"{' (active)' if model.is_active else ''}"
            )
        counted = outcomes[name]
        if counted:
            shown = ", ".join(f"{k} {v}" for k, v in sorted(counted.items()))
            decided = counted["accepted"] + counted["corrected"]
            rate = f"; accepted {counted['accepted'] / decided:.1%} of decided" if decided else ""
            lines.append(f"  suggestions: {shown}{rate}")
    return lines
