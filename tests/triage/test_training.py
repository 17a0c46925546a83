"""Training from history: confirmed values only, versions, and the better one stays active."""

from __future__ import annotations

from typing import Any

import pytest

from deskline.cli import main
from deskline.core import schedule
from deskline.tickets.models import TicketEvent
from deskline.triage import classifier
from deskline.triage.models import TriageModel
from deskline.triage.selectors import training_samples
from deskline.triage.tasks import triage_retrain
from deskline.triage.training import train_field

pytestmark = pytest.mark.django_db


def _mark_applied_by_triage(ticket: Any, column: str) -> None:
    event = TicketEvent.objects.get(ticket=ticket, kind="created")
    value = getattr(ticket, column)
    event.data = {**event.data, "decisions": {"triage": {"applied": {column: value}}}}
    event.save(update_fields=["data"])


def test_training_reads_closed_tickets_only(history: Any) -> None:
    closed = history(6)
    history(3, closed=False, seed=1)
    assert {s.ticket_id for s in training_samples("category")} == {t.pk for t in closed}


def test_a_category_triage_set_and_nobody_touched_is_not_trained_on(history: Any) -> None:
    own, confirmed = history(2)
    _mark_applied_by_triage(own, "category_id")
    assert [s.ticket_id for s in training_samples("category")] == [confirmed.pk]


def test_a_category_an_agent_corrected_after_triage_is_trained_on(
    history: Any, admin: Any, categories: Any
) -> None:
    from deskline.tickets.services import ticket_update

    (ticket,) = history(1)
    _mark_applied_by_triage(ticket, "category_id")
    ticket_update(actor=admin, number=ticket.number,
                  changes={"category_id": categories["Email"].pk})  # fmt: skip
    samples = training_samples("category")
    assert [(s.ticket_id, s.label) for s in samples] == [(ticket.pk, str(categories["Email"].pk))]


def test_first_training_makes_an_active_version_with_held_out_figures(history: Any) -> None:
    history(60)
    result = train_field("category")
    model = TriageModel.objects.get(field="category")
    assert result.activated and model.is_active and model.version == 1
    assert model.metrics["accuracy"] > 0.8
    assert model.metrics["test_size"] == 12 and model.metrics["train_size"] == 48
    assert len(model.metrics["thresholds"]) == 70


def test_a_new_version_at_least_as_good_replaces_the_active_one(history: Any) -> None:
    history(60)
    train_field("category")
    result = train_field("category")
    assert result.activated
    assert list(TriageModel.objects.filter(is_active=True).values_list("version", flat=True)) == [2]


def test_a_worse_new_version_is_kept_inactive_and_the_previous_stays(
    history: Any, monkeypatch: Any
) -> None:
    history(60)
    train_field("category")
    real_train = classifier.train

    def mislabelled(texts: Any, labels: Any, **kwargs: Any) -> Any:
        values = sorted(set(labels))
        shifted = {v: values[(i + 1) % len(values)] for i, v in enumerate(values)}
        return real_train(texts, [shifted[x] for x in labels], **kwargs)

    monkeypatch.setattr(classifier, "train", mislabelled)
    worse = train_field("category")
    assert not worse.activated
    active = TriageModel.objects.get(is_active=True)
    assert active.version == 1
    assert TriageModel.objects.get(version=2).metrics["previous"]["version"] == 1


def test_too_little_history_trains_nothing_and_says_so(history: Any) -> None:
    history(5)
    result = train_field("category")
    assert result.version is None and "not enough" in result.message
    assert not TriageModel.objects.exists()


def test_train_command_reports_each_field(history: Any, capsys: Any) -> None:
    history(60)
    assert main(["triage", "train", "--field", "category", "--field", "team"]) == 0
    out = capsys.readouterr().out
    assert "category: version 1 active" in out
    assert "team: not enough confirmed history" in out


def test_weekly_retraining_is_a_periodic_job_that_skips_within_a_week(history: Any) -> None:
    assert "deskline.triage.tasks.triage_retrain" in {p.task_path for p in schedule.PERIODIC}
    history(60)
    assert any("category: version 1" in m for m in triage_retrain.call())
    assert triage_retrain.call() == []
    assert TriageModel.objects.count() == 1
