"""Probable duplicates of the same contact, and mass incidents across companies."""

from __future__ import annotations

from typing import Any

import pytest

from deskline.tickets.models import Phase, Ticket
from deskline.triage.incidents import mass_incident_accept
from deskline.triage.models import DuplicateFlag, MassIncident
from deskline.triage.similarity import most_similar, similarities
from tests.factories import ContactFactory, EquipmentFactory, EquipmentModelFactory, SiteFactory

pytestmark = pytest.mark.django_db
TERMINAL = "Card terminal rejects all payments since this morning"


def test_similar_texts_score_higher_than_unrelated_ones() -> None:
    query = "Принтер в бухгалтерии не печатает, замятие бумаги"
    close, far = similarities(query, ["Принтер бухгалтерии не печатает", "Нет интернета"])
    assert close > 0.35 > far


def test_most_similar_keeps_only_those_above_the_bar_best_first() -> None:
    texts = ["The VPN will not connect from home", "printer jams", "VPN does not connect"]
    found = most_similar("VPN does not connect at home", texts, at_least=0.3)
    assert [i for i, _ in found] == [2, 0] and found[0][1] > found[1][1]


def test_a_similar_open_ticket_of_the_same_contact_is_flagged(make_ticket: Any) -> None:
    contact = ContactFactory()
    first = make_ticket(title="Printer in accounting does not print", contact_id=contact.pk)
    second = make_ticket(title="The accounting printer does not print again", contact_id=contact.pk)
    flag = DuplicateFlag.objects.get(ticket=second)
    assert flag.of_ticket_id == first.pk and flag.similarity >= 0.35
    assert not DuplicateFlag.objects.filter(ticket=first).exists()


def test_a_different_subject_or_another_contact_or_a_closed_ticket_is_no_duplicate(
    make_ticket: Any,
) -> None:
    contact, other = ContactFactory(), ContactFactory()
    old = make_ticket(title="Printer in accounting does not print", contact_id=contact.pk)
    make_ticket(title="No internet in the warehouse", contact_id=contact.pk)
    make_ticket(title="Printer in accounting does not print", contact_id=other.pk)
    Ticket.objects.filter(pk=old.pk).update(phase=Phase.CLOSED)
    make_ticket(title="Printer in accounting does not print", contact_id=contact.pk)
    assert not DuplicateFlag.objects.exists()


def _report(make_ticket: Any, model: Any, title: str = TERMINAL) -> Ticket:
    contact = ContactFactory()
    site = SiteFactory(company=contact.company)
    equipment = EquipmentFactory(company=contact.company, site=site, model=model)
    return make_ticket(title=title, contact_id=contact.pk, equipment_id=equipment.pk)


def test_three_companies_reporting_alike_on_one_equipment_model_propose_a_mass_incident(
    make_ticket: Any,
) -> None:
    model = EquipmentModelFactory()
    tickets = [_report(make_ticket, model) for _ in range(2)]
    assert not MassIncident.objects.exists()
    tickets.append(_report(make_ticket, model, "Terminal rejects card payments since morning"))
    incident = MassIncident.objects.get()
    assert set(incident.tickets.all()) == set(tickets)
    fourth = _report(make_ticket, model)
    assert MassIncident.objects.get().tickets.filter(pk=fourth.pk).exists()


def test_unrelated_reports_on_the_same_model_propose_nothing(make_ticket: Any) -> None:
    model = EquipmentModelFactory()
    for title in ("Paper jam in the receipt printer", "Screen is cracked", TERMINAL):
        _report(make_ticket, model, title)
    assert not MassIncident.objects.exists()


def test_accepting_a_mass_incident_makes_the_parent_and_links_the_children(
    make_ticket: Any, admin: Any
) -> None:
    model = EquipmentModelFactory()
    children = [_report(make_ticket, model) for _ in range(3)]
    parent = mass_incident_accept(actor=admin, incident_id=MassIncident.objects.get().pk)
    assert parent.title.startswith("Mass incident:")
    assert {t.parent_id for t in Ticket.objects.filter(pk__in=[c.pk for c in children])} == {
        parent.pk
    }
    assert MassIncident.objects.get().state == "accepted"


def test_the_panel_shows_the_duplicate_and_the_mass_incident(
    make_ticket: Any, client: Any, admin: Any
) -> None:
    model = EquipmentModelFactory()
    children = [_report(make_ticket, model) for _ in range(3)]
    client.force_login(admin)
    panel = client.get(f"/triage/tickets/{children[0].number}/").content.decode()
    assert "data-mass-incident" in panel
    response = client.post(f"/triage/incidents/{MassIncident.objects.get().pk}/accept/")
    assert response.status_code == 302 and response["Location"].startswith("/tickets/")
