"""Who sees which tickets: clients, contractors, agents; every refusal is proven."""

from __future__ import annotations

import pytest

from deskline.accounts.models import Role
from deskline.tickets.services import comment_add, ticket_create
from tests.factories import ContactFactory, ContactUserFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_company_ticket(make_ticket):
    return make_ticket(contact_id=ContactFactory().pk, title="Other company")


def test_client_sees_only_their_own_tickets(api_for, client_user, other_company_ticket):
    own = ticket_create(actor=client_user, title="Mine")
    api = api_for(client_user)
    assert [t["number"] for t in api.get("tickets").json()["items"]] == [own.number]


def test_client_gets_404_for_another_companys_ticket(api_for, client_user, other_company_ticket):
    api = api_for(client_user)
    number = other_company_ticket.number
    for path in ("", "/comments", "/history", "/attachments", "/links"):
        assert api.get(f"tickets/{number}{path}").status_code == 404
    assert api.post(f"tickets/{number}/comments", {"body": "hi"}).status_code == 404


def test_client_does_not_see_a_colleagues_ticket_unless_allowed(
    api_for, client_user, client_contact
):
    colleague = ContactUserFactory(contact=ContactFactory(company=client_contact.company))
    theirs = ticket_create(actor=colleague, title="Colleague's")
    api = api_for(client_user)
    assert api.get(f"tickets/{theirs.number}").status_code == 404
    client_contact.sees_company_tickets = True
    client_contact.save()
    assert api.get(f"tickets/{theirs.number}").status_code == 200


def test_client_never_sees_internal_notes(api_for, client_user, admin):
    ticket = ticket_create(actor=client_user, title="x")
    comment_add(
        actor=admin, number=ticket.number, body="internal: client is difficult", is_public=False
    )
    comment_add(actor=admin, number=ticket.number, body="We are on it")
    api = api_for(client_user)
    bodies = [c["body"] for c in api.get(f"tickets/{ticket.number}/comments").json()]
    assert bodies == ["<p>We are on it</p>"]
    history = api.get(f"tickets/{ticket.number}/history").json()
    assert all(e["data"].get("is_public", True) for e in history)


def test_client_does_not_see_agent_only_fields(api_for, client_user, admin, team):
    from deskline.tickets.services import ticket_assign

    ticket = ticket_create(actor=client_user, title="x")
    ticket_assign(actor=admin, number=ticket.number, team_id=team.pk, assignee_id=None)
    body = api_for(client_user).get(f"tickets/{ticket.number}").json()
    assert body["team"] is None
    assert body["observer_ids"] == []


def test_client_cannot_update_assign_link_or_merge(api_for, client_user, team):
    first = ticket_create(actor=client_user, title="a")
    second = ticket_create(actor=client_user, title="b")
    api = api_for(client_user)
    assert api.patch(f"tickets/{first.number}", {"title": "z"}).status_code == 403
    assert api.post(f"tickets/{first.number}/assign", {"team_id": team.pk}).status_code == 403
    assert (
        api.post(f"tickets/{first.number}/links", {"other_number": second.number}).status_code
        == 403
    )
    assert (
        api.post(f"tickets/{first.number}/merge", {"into_number": second.number}).status_code == 403
    )


def test_client_cannot_see_teams_or_staff(api_for, client_user):
    api = api_for(client_user)
    assert api.get("teams").status_code == 403
    assert api.get("users").status_code == 403


def test_contractor_sees_only_tickets_of_their_team(api_for, make_ticket):
    contractor = UserFactory(role=Role.CONTRACTOR)
    team = TeamFactory(is_contractor=True, members=[contractor])
    theirs = make_ticket(team_id=team.pk)
    unrouted = make_ticket()
    api = api_for(contractor)
    assert [t["number"] for t in api.get("tickets").json()["items"]] == [theirs.number]
    assert api.get(f"tickets/{unrouted.number}").status_code == 404


def test_agent_sees_their_teams_unrouted_and_observed_but_not_other_teams(
    api_for, make_ticket, agent, team
):
    other_team = TeamFactory()
    mine = make_ticket(team_id=team.pk)
    unrouted = make_ticket()
    observed = make_ticket(team_id=other_team.pk, observer_ids=[agent.pk])
    hidden = make_ticket(team_id=other_team.pk)
    numbers = {t["number"] for t in api_for(agent).get("tickets").json()["items"]}
    assert numbers == {mine.number, unrouted.number, observed.number}
    assert api_for(agent).get(f"tickets/{hidden.number}").status_code == 404


def test_inactive_contact_sees_nothing(api_for, client_user, client_contact):
    ticket_create(actor=client_user, title="x")
    client_contact.is_active = False
    client_contact.save()
    assert api_for(client_user).get("tickets").json()["items"] == []


def test_revoked_token_is_refused(client_user, api_for):
    from deskline.accounts.models import ApiToken
    from deskline.accounts.services import api_token_revoke

    api = api_for(client_user)
    api_token_revoke(token_id=ApiToken.objects.get(user=client_user).pk)
    assert api.get("tickets").status_code == 401


def test_client_never_sees_or_downloads_an_internal_attachment(api_for, client_user, admin):
    import io

    from deskline.tickets.services import attachment_add

    ticket = ticket_create(actor=client_user, title="x")
    data = b"internal price list"
    hidden = attachment_add(actor=admin, number=ticket.number, filename="prices.txt",
                            content=io.BytesIO(data), size=len(data), is_public=False)  # fmt: skip
    api = api_for(client_user)
    assert api.get(f"tickets/{ticket.number}/attachments").json() == []
    url = f"tickets/{ticket.number}/attachments/{hidden.pk}/download"
    assert api.get(url).status_code == 404


def test_client_cannot_write_to_another_companys_ticket_by_number(
    api_for, client_user, other_company_ticket
):
    from deskline.core.errors import NotFound

    with pytest.raises(NotFound):
        comment_add(actor=client_user, number=other_company_ticket.number, body="hi")


def test_the_compiled_detail_query_keeps_each_viewers_scope(
    api_for, admin, client_user, other_company_ticket
):
    """The detail's SQL is compiled once per viewer's kind and reused with new ids: a client
    read after an administrator and after another client still sees only their own."""
    own = ticket_create(actor=client_user, title="Mine")
    other_client = ContactUserFactory(contact=other_company_ticket.contact)
    for number in (own.number, other_company_ticket.number):
        assert api_for(admin).get(f"tickets/{number}").status_code == 200
    assert api_for(other_client).get(f"tickets/{other_company_ticket.number}").status_code == 200
    assert api_for(other_client).get(f"tickets/{own.number}").status_code == 404
    assert api_for(client_user).get(f"tickets/{own.number}").status_code == 200
    assert api_for(client_user).get(f"tickets/{other_company_ticket.number}").status_code == 404
