"""Reads for triage: the training rows from ticket history, the active models, the settings."""

from __future__ import annotations

import pickle
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from deskline.core import refcache
from deskline.core.html import html_to_text
from deskline.tickets.models import Phase, Ticket, TicketEvent
from deskline.triage.fields import COLUMNS, NAMES, column
from deskline.triage.history import unconfirmed_columns
from deskline.triage.models import Mode, TriageFieldSetting, TriageModel

if TYPE_CHECKING:
    from deskline.triage.classifier import Classifier
    from deskline.triage.compact import CompactClassifier

    #: A loaded model: both predict alike (`predict`, `classes`, `uses_embeddings`, `encoder`).
    Predictor = Classifier | CompactClassifier


_COLUMNS = tuple(COLUMNS.values())


@dataclass(frozen=True)
class Sample:
    ticket_id: int
    created_at: datetime
    text: str
    label: str


def ticket_text(title: str, description_html: str) -> str:
    """What the classifiers read: the title, then the description as plain text."""
    return f"{title}\n{html_to_text(description_html or '')}".strip()


def _unconfirmed(ticket_ids: set[int]) -> dict[int, dict[str, Any]]:
    """Per closed ticket, {column: value} triage set (at creation, or later with the ticket's
    embedding, as the *Triage* system user) that nobody changed since."""
    from deskline.accounts.models import User
    from deskline.accounts.system import SYSTEM_USERS

    triage_user = (
        User.objects.filter(username=SYSTEM_USERS["triage"][0]).values_list("pk", flat=True).first()
    )
    applied: dict[int, dict[str, Any]] = {}
    created = TicketEvent.objects.filter(
        kind=TicketEvent.Kind.CREATED, ticket__phase=Phase.CLOSED, data__decisions__has_key="triage"
    ).values_list("ticket_id", "data")
    for ticket_id, data in created.iterator(chunk_size=2000):
        columns = ((data.get("decisions") or {}).get("triage") or {}).get("applied") or {}
        if columns and ticket_id in ticket_ids:
            applied[ticket_id] = dict(columns)
    if triage_user is not None:
        later_set = TicketEvent.objects.filter(
            actor_id=triage_user, ticket__phase=Phase.CLOSED
        ).values_list("ticket_id", flat=True)
        for ticket_id in later_set.iterator(chunk_size=2000):
            if ticket_id in ticket_ids:
                applied.setdefault(ticket_id, {})
    if not applied:
        return {}
    later: dict[int, list[tuple[dict[str, Any], bool]]] = {pk: [] for pk in applied}
    events = (
        TicketEvent.objects.filter(ticket_id__in=list(applied))
        .exclude(kind=TicketEvent.Kind.CREATED)
        .order_by("created_at", "pk")
        .values_list("ticket_id", "changes", "actor_id")
    )
    for ticket_id, changes, actor_id in events.iterator(chunk_size=2000):
        if changes:
            later[ticket_id].append((changes, triage_user is not None and actor_id == triage_user))
    # A column triage set after the creation holds that value still when untouched since.
    by_triage = {pk: {c for changes, t in rows if t for c in changes} for pk, rows in later.items()}
    current = {
        row["pk"]: row
        for row in Ticket.objects.filter(pk__in=[pk for pk, cols in by_triage.items() if cols])
        .values("pk", *_COLUMNS)
    }  # fmt: skip
    result: dict[int, dict[str, Any]] = {}
    for pk, columns in applied.items():
        untouched = unconfirmed_columns(
            columns, [c for c, _ in later[pk]], [t for _, t in later[pk]]
        )
        result[pk] = {
            c: current[pk].get(c) if c in by_triage[pk] else columns[c] for c in untouched
        }
    return result


def training_samples(field: str) -> list[Sample]:
    """Closed tickets with a value of `field` a person confirmed, oldest first."""
    attribute = column(field)
    rows = list(
        Ticket.objects.filter(phase=Phase.CLOSED, **{f"{attribute}__isnull": False})
        .order_by("created_at", "pk")
        .values_list("pk", "created_at", "title", "description", attribute)
    )
    skip = _unconfirmed({row[0] for row in rows})
    # A value a routing rule put in place of the one triage applied is the rule's, not triage's.
    return [
        Sample(pk, created, ticket_text(title, description), str(value))
        for pk, created, title, description, value in rows
        if skip.get(pk, {}).get(attribute, object()) != value
    ]


def next_version(field: str) -> int:
    last = TriageModel.objects.filter(field=field).order_by("-version").first()
    return (last.version if last else 0) + 1


def load_full_classifier(artefact: bytes) -> Classifier:
    """The scikit-learn classifier of an artefact (training and evaluation)."""
    # scikit-learn (with NumPy and SciPy, ~120 MB) is loaded only by a process that needs it.
    from deskline.triage.classifier import Classifier
    from deskline.triage.compact import split_artefact

    _compact, full = split_artefact(artefact)
    # The artefact was written by `training.dump_classifier` into our own database.
    loaded = pickle.loads(zlib.decompress(full))  # noqa: S301
    if not isinstance(loaded, Classifier):
        raise TypeError("not a triage classifier")
    return loaded


def load_classifier(artefact: bytes) -> Predictor:
    """What a process that predicts loads: the compact scoring form (NumPy only, see
    `compact.py`), or, for an artefact written before it, the scikit-learn classifier."""
    from deskline.triage.compact import load_compact, split_artefact

    compact, _full = split_artefact(artefact)
    if compact is not None:
        return load_compact(compact)
    return load_full_classifier(artefact)


@dataclass(frozen=True)
class ActiveField:
    field: str
    mode: str
    threshold: float
    version: int | None
    classifier: Predictor | None


def _load_active() -> dict[str, ActiveField]:
    settings = {s.field: s for s in TriageFieldSetting.objects.all()}
    models = {m.field: m for m in TriageModel.objects.filter(is_active=True)}
    active = {}
    for field in NAMES:
        setting, model = settings.get(field), models.get(field)
        mode = setting.mode if setting else Mode.OFF
        used = model is not None and mode != Mode.OFF  # an unused model costs no memory
        active[field] = ActiveField(
            field=field,
            mode=mode,
            threshold=setting.threshold if setting else 0.9,
            version=model.version if model else None,
            classifier=load_classifier(bytes(model.artefact)) if used and model else None,
        )
    return active


def active_fields() -> dict[str, ActiveField]:
    """Each field's mode, threshold and loaded active classifier (cached per process)."""
    loaded: dict[str, ActiveField] = refcache.cached("triage.active", _load_active)
    return loaded
