"""Issue 13 item 1: every row a write names passes the same visibility as reading that row.

Walks each reference field of the create and update bodies, as an agent, a contractor and a
client, with a row the writer may not see: the answer is 422 naming the field, exactly as for a
row that does not exist, and nothing is written.
"""

from __future__ import annotations

from typing import Any

import pytest

from deskline.tickets.schemas import TicketCreateIn, TicketUpdateIn
from deskline.tickets.services import ticket_create
from tests.factories import (
    AdminFactory,
    ContactFactory,
    ContactUserFactory,
    ContractFactory,
    EquipmentFactory,
    SiteFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
REGISTRY_FIELDS = ("company_id", "contact_id", "site_id", "equipment_id", "contract_id")


def test_the_walk_covers_every_reference_field_of_both_bodies() -> None:
    references = {
        f for f in TicketCreateIn.model_fields if f.endswith("_id") or f == "parent_number"
    }
    checked = {*REGISTRY_FIELDS, "parent_number"}
    # type, category, priority are shared configuration; team and assignee are staff, and
    # a client may not set them at all (tests/tickets/test_access.py).
    assert references - checked == {
        "type_id",
        "category_id",
        "priority_id",
        "team_id",
        "assignee_id",
    }
    assert checked <= set(TicketUpdateIn.model_fields)


@pytest.fixture
def foreign() -> dict[str, Any]:
    """Rows of another company, and a ticket of another team, nobody in the test may see."""
    contact = ContactFactory()
    site = SiteFactory(company=contact.company)
    other_team = TeamFactory()
    ticket = ticket_create(actor=AdminFactory(), title="Other team's", team_id=other_team.pk)
    return {
        "company_id": contact.company_id, "contact_id": contact.pk, "site_id": site.pk,
        "equipment_id": EquipmentFactory(company=contact.company, site=site).pk,
        "contract_id": ContractFactory(company=contact.company).pk, "parent_number": ticket.number,
    }  # fmt: skip


def _writers() -> dict[str, Any]:
    agent, contractor = UserFactory(role="agent"), UserFactory(role="contractor")
    TeamFactory(members=[agent])
    TeamFactory(members=[contractor])  # apart: what the agent links must not widen its view
    client = ContactUserFactory(username="c@client.example", email="c@client.example")
    return {"agent": agent, "contractor": contractor, "client": client}


def _denied(role: str, field: str) -> bool:
    # Agents read the whole registry; only the other team's ticket is hidden from them.
    return role != "agent" or field == "parent_number"


@pytest.mark.parametrize("field", [*REGISTRY_FIELDS, "parent_number"])
def test_creating_a_ticket_naming_an_unseen_row_is_422_naming_the_field(
    api_for: Any, foreign: dict[str, Any], field: str
) -> None:
    for role, user in _writers().items():
        response = api_for(user).post("tickets", {"title": "Mine", field: foreign[field]})
        if _denied(role, field):
            # A client may not set most of these at all (403); either way the field is named.
            expected = (403, 422) if role == "client" else (422,)
            assert response.status_code in expected, (role, response.json())
            assert field in response.json()["error"]["fields"], role
        else:
            assert response.status_code in (201, 422), role  # 422 only for a registry misfit


@pytest.mark.parametrize("field", [*REGISTRY_FIELDS, "parent_number"])
def test_changing_a_ticket_to_name_an_unseen_row_is_422_and_changes_nothing(
    api_for: Any, foreign: dict[str, Any], field: str
) -> None:
    writers = _writers()
    for role in ("agent", "contractor"):
        user = writers[role]
        own = ticket_create(actor=AdminFactory(), title="Mine", assignee_id=user.pk,
                            team_id=user.teams.first().pk)  # fmt: skip
        response = api_for(user).patch(f"tickets/{own.number}", {field: foreign[field]})
        if _denied(role, field):
            assert response.status_code == 422, (role, field, response.json())
            assert field in response.json()["error"]["fields"]
            own.refresh_from_db()
            assert own.parent_id is None and own.company_id is None
