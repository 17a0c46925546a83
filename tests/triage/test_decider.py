"""Triage predictions on ticket creation: modes, the threshold, facts for routing, accepting."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskline.tickets.models import Phase, Ticket, TicketEvent
from deskline.tickets.services import ticket_update
from deskline.triage import policy
from deskline.triage.models import TicketPrediction
from deskline.triage.selectors import training_samples
from deskline.triage.services import prediction_accept, prediction_dismiss
from tests.factories import TeamFactory, UserFactory
from tests.routing.conftest import add_rule, leaf, rule_set

__all__ = ["add_rule", "rule_set"]  # fixtures shared with the routing tests

pytestmark = pytest.mark.django_db
PRINTER = "The printer jams paper again"
#: Between two topics: a prediction well below certainty.
MIXED = "printer and wifi trouble"


def _triage(ticket: Ticket) -> dict[str, Any]:
    return TicketEvent.objects.get(ticket=ticket, kind="created").payload.triage  # type: ignore[attr-defined]


def test_suggest_mode_records_a_calibrated_prediction_and_leaves_the_field_alone(
    make_ticket: Any, install_model: Any, set_mode: Any, categories: Any
) -> None:
    install_model()
    set_mode("category", "suggest")
    ticket = make_ticket(title=PRINTER)
    prediction = _triage(ticket)["predictions"]["category"]
    assert ticket.category_id is None
    assert prediction["value_id"] == categories["Printers"].pk
    assert 0.5 < prediction["confidence"] <= 1.0 and prediction["outcome"] == "suggested"
    row = TicketPrediction.objects.get(ticket=ticket)
    assert (row.field, row.outcome, row.model_version) == ("category", "suggested", 1)


def test_off_mode_predicts_nothing(make_ticket: Any, install_model: Any, set_mode: Any) -> None:
    install_model()
    set_mode("category", "off")
    ticket = make_ticket(title=PRINTER)
    assert _triage(ticket) == {} and not TicketPrediction.objects.exists()


def test_apply_mode_sets_the_value_at_or_above_the_threshold(
    make_ticket: Any, install_model: Any, set_mode: Any, categories: Any
) -> None:
    install_model()
    set_mode("category", "suggest")
    first = _triage(make_ticket(title=MIXED))["predictions"]["category"]
    set_mode("category", "apply", threshold=first["confidence"])
    ticket = make_ticket(title=MIXED)
    assert ticket.category_id == first["value_id"]
    assert _triage(ticket)["applied"] == {"category_id": first["value_id"]}
    assert TicketPrediction.objects.get(ticket=ticket).outcome == "applied"


def test_apply_mode_never_fires_below_the_threshold(
    make_ticket: Any, install_model: Any, set_mode: Any
) -> None:
    install_model()
    set_mode("category", "suggest")
    confidence = _triage(make_ticket(title=MIXED))["predictions"]["category"]["confidence"]
    assert confidence < 0.99
    set_mode("category", "apply", threshold=confidence + 0.0001)
    ticket = make_ticket(title=MIXED)
    assert ticket.category_id is None
    assert _triage(ticket)["applied"] == {}
    assert _triage(ticket)["predictions"]["category"]["outcome"] == "suggested"


@given(
    threshold=st.floats(0, 1),
    confidence=st.floats(0, 1),
    mode=st.sampled_from(["off", "suggest", "apply"]),
    already_set=st.booleans(),
)
def test_the_policy_applies_only_in_apply_mode_at_or_above_the_threshold_on_an_empty_field(
    threshold: float, confidence: float, mode: str, already_set: bool
) -> None:
    result = policy.outcome(mode, threshold, confidence, already_set=already_set)
    applies = mode == "apply" and confidence >= threshold and not already_set
    assert (result == policy.APPLIED) is applies


def test_the_creators_choice_is_never_overridden(
    make_ticket: Any, install_model: Any, set_mode: Any, categories: Any
) -> None:
    install_model()
    set_mode("category", "apply", threshold=0.0)
    ticket = make_ticket(title=PRINTER, category_id=categories["Email"].pk)
    assert ticket.category_id == categories["Email"].pk
    assert _triage(ticket)["predictions"]["category"]["outcome"] == "given"


def test_routing_rules_use_predictions_as_facts_and_the_explanation_says_so(
    make_ticket: Any, install_model: Any, set_mode: Any, add_rule: Any
) -> None:
    team = TeamFactory(name="Print shop")
    install_model()
    set_mode("category", "suggest")
    add_rule([leaf("predicted.category", "eq", "Printers"),
              leaf("predicted.category.confidence", "gt", 0.5)],
             {"team_id": team.pk}, name="Printers to the print shop")  # fmt: skip
    ticket = make_ticket(title=PRINTER)
    routing = TicketEvent.objects.get(ticket=ticket, kind="created").payload.routing  # type: ignore[attr-defined]
    assert ticket.team_id == team.pk
    assert (
        "predicted.category eq 'Printers' (is 'Printers', a triage prediction)"
        in (routing.explanation[0])
    )


def test_an_applied_team_is_used_when_no_rule_names_one_and_a_rule_wins_over_it(
    make_ticket: Any, install_model: Any, set_mode: Any, add_rule: Any
) -> None:
    printers, network, other = TeamFactory(), TeamFactory(), TeamFactory()
    install_model("team", {"Printers": printers.pk, "Network": network.pk, "Email": other.pk})
    set_mode("team", "apply", threshold=0.0)
    ticket = make_ticket(title=PRINTER)
    assert ticket.team_id == printers.pk
    routing = TicketEvent.objects.get(ticket=ticket, kind="created").payload.routing  # type: ignore[attr-defined]
    assert routing.assignment["team_from"] == "triage prediction"
    add_rule([leaf("title", "contains", "printer")], {"team_id": other.pk})
    ruled = make_ticket(title=PRINTER)
    assert ruled.team_id == other.pk
    assert TicketPrediction.objects.get(ticket=ruled).outcome == "suggested"


def test_accepting_a_suggestion_sets_it_as_the_agent_and_marks_it_accepted(
    make_ticket: Any, install_model: Any, set_mode: Any, categories: Any
) -> None:
    agent = UserFactory(role="dispatcher")
    install_model()
    set_mode("category", "suggest")
    ticket = make_ticket(title=PRINTER)
    prediction = prediction_accept(actor=agent, number=ticket.number, field="category")
    ticket.refresh_from_db()
    assert ticket.category_id == categories["Printers"].pk
    assert prediction.outcome == "accepted"
    event = ticket.events.get(kind="updated")
    assert event.actor == agent


def test_accepting_a_team_suggestion_assigns_the_team(
    make_ticket: Any, install_model: Any, set_mode: Any
) -> None:
    teams = {name: TeamFactory() for name in ("Printers", "Network", "Email")}
    install_model("team", {name: team.pk for name, team in teams.items()})
    set_mode("team", "suggest")
    ticket = make_ticket(title=PRINTER)
    prediction_accept(actor=UserFactory(role="dispatcher"), number=ticket.number, field="team")
    ticket.refresh_from_db()
    assert ticket.team_id == teams["Printers"].pk


def test_changing_an_applied_value_marks_the_prediction_corrected(
    make_ticket: Any, install_model: Any, set_mode: Any, categories: Any, admin: Any
) -> None:
    install_model()
    set_mode("category", "apply", threshold=0.0)
    ticket = make_ticket(title=PRINTER)
    ticket_update(actor=admin, number=ticket.number,
                  changes={"category_id": categories["Network"].pk})  # fmt: skip
    assert TicketPrediction.objects.get(ticket=ticket).outcome == "corrected"


def test_dismissing_a_suggestion_changes_nothing_on_the_ticket(
    make_ticket: Any, install_model: Any, set_mode: Any, admin: Any
) -> None:
    install_model()
    set_mode("category", "suggest")
    ticket = make_ticket(title=PRINTER)
    prediction_dismiss(actor=admin, number=ticket.number, field="category")
    ticket.refresh_from_db()
    assert ticket.category_id is None
    assert TicketPrediction.objects.get(ticket=ticket).outcome == "dismissed"


def test_the_model_never_trains_on_a_value_it_applied_itself(
    make_ticket: Any, install_model: Any, set_mode: Any, categories: Any, admin: Any
) -> None:
    install_model()
    set_mode("category", "apply", threshold=0.0)
    own = make_ticket(title=PRINTER)
    corrected = make_ticket(title=PRINTER)
    ticket_update(actor=admin, number=corrected.number,
                  changes={"category_id": categories["Email"].pk})  # fmt: skip
    by_person = make_ticket(title=PRINTER, category_id=categories["Printers"].pk)
    Ticket.objects.update(phase=Phase.CLOSED)
    assert own.category_id == categories["Printers"].pk
    samples = {s.ticket_id: s.label for s in training_samples("category")}
    assert samples == {corrected.pk: str(categories["Email"].pk),
                       by_person.pk: str(categories["Printers"].pk)}  # fmt: skip
