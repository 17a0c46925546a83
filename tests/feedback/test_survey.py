"""The micro-survey after resolution: invite, one-click score by a signed link, comment, and
the poor score on the team lead's "to call back" list."""

from __future__ import annotations

import pytest
from django.core import signing

from deskline.accounts.models import Role
from deskline.clients.models import CompanyCategory
from deskline.feedback.models import CallBack, SurveyInvite, SurveyRule, SurveyTemplate
from deskline.feedback.services import SALT, survey_token
from deskline.feedback.survey_rules import RuleFacts, in_sample, pick_rule
from deskline.notifications.models import Outbox
from deskline.tickets.models import Ticket, TicketType
from deskline.tickets.services import ticket_change_status
from tests.factories import ContactUserFactory, TeamFactory, UserFactory


@pytest.fixture
def resolved(admin, make_ticket, dispatch):
    client_user = ContactUserFactory(username="client")
    contact = client_user.contact
    lead = UserFactory(username="lead", role=Role.AGENT)
    team = TeamFactory(lead=lead)
    ticket = make_ticket(company_id=contact.company_id, contact_id=contact.pk, team_id=team.pk)
    ticket_change_status(actor=admin, number=ticket.number, status_code="resolved")
    dispatch()
    return {"ticket": ticket, "lead": lead, "client": client_user}


def test_resolution_sends_one_invite(resolved):
    assert SurveyInvite.objects.filter(ticket=resolved["ticket"]).count() == 1


def test_a_poor_score_from_the_email_link_rates_and_goes_to_call_back(resolved, client, api_for):
    invite = SurveyInvite.objects.get(ticket=resolved["ticket"])
    response = client.get(f"/feedback/s/{survey_token(invite=invite)}/2/")
    assert response.status_code == 200
    assert "2 of 5" in response.content.decode()
    assert Ticket.objects.get(pk=resolved["ticket"].pk).rating == 2
    assert CallBack.objects.filter(ticket=resolved["ticket"], score=2).exists()
    rows = api_for(resolved["lead"]).get("feedback/callbacks").json()
    assert [r["ticket_number"] for r in rows] == [resolved["ticket"].number]
    other_lead = UserFactory(username="other", role=Role.AGENT)
    TeamFactory(lead=other_lead)
    assert api_for(other_lead).get("feedback/callbacks").json() == []


def test_the_comment_page_saves_the_comment(resolved, client):
    token = survey_token(invite=SurveyInvite.objects.get(ticket=resolved["ticket"]))
    client.get(f"/feedback/s/{token}/5/")
    response = client.post(f"/feedback/s/{token}/comment/", {"comment": "Quick and polite"})
    assert response.status_code == 200
    invite = SurveyInvite.objects.get(ticket=resolved["ticket"])
    assert (invite.score, invite.comment) == (5, "Quick and polite")
    assert not CallBack.objects.exists()


def test_a_forged_or_out_of_range_link_records_nothing(resolved, client):
    invite = SurveyInvite.objects.get(ticket=resolved["ticket"])
    forged = signing.dumps(invite.pk, salt="another salt", compress=True)
    assert client.get(f"/feedback/s/{forged}/1/").status_code == 404
    good = signing.dumps(invite.pk, salt=SALT, compress=True)
    assert client.get(f"/feedback/s/{good}/9/").status_code == 422
    assert SurveyInvite.objects.get(pk=invite.pk).score is None


def test_a_client_may_not_read_the_call_back_list(resolved, api_for):
    assert api_for(resolved["client"]).get("feedback/callbacks").status_code == 403


def test_the_team_lead_sees_the_poor_score_on_the_call_back_page(resolved, client,
                                                                django_assert_max_num_queries):  # fmt: skip
    token = survey_token(invite=SurveyInvite.objects.get(ticket=resolved["ticket"]))
    client.get(f"/feedback/s/{token}/2/")
    client.force_login(resolved["lead"])
    client.get("/feedback/callbacks/")
    with django_assert_max_num_queries(12):
        page = client.get("/feedback/callbacks/").content.decode()
    assert f"#{resolved['ticket'].number}" in page
    callback = CallBack.objects.get()
    client.post(f"/feedback/callbacks/{callback.pk}/done/")
    assert (
        f"#{resolved['ticket'].number}" not in client.get("/feedback/callbacks/").content.decode()
    )


def test_a_client_is_sent_to_the_portal_from_the_call_back_page(resolved, client):
    client.force_login(resolved["client"])
    assert client.get("/feedback/callbacks/")["Location"] == "/portal/"


def test_only_someone_answering_for_the_ticket_may_mark_its_call_back_done(
    resolved, client, api_for
):
    """Any staff member could close any call-back through the API."""
    invite = SurveyInvite.objects.get(ticket=resolved["ticket"])
    client.get(f"/feedback/s/{survey_token(invite=invite)}/1/")
    callback = CallBack.objects.get()
    other_lead = UserFactory(role="agent")
    TeamFactory(lead=other_lead)
    refused = api_for(other_lead).post(f"feedback/callbacks/{callback.pk}/done")
    assert refused.status_code == 404
    callback.refresh_from_db()
    assert callback.done_at is None
    assert (
        api_for(resolved["lead"]).post(f"feedback/callbacks/{callback.pk}/done").status_code == 204
    )


def test_the_resolution_mail_carries_the_five_one_click_answers(resolved, client):
    import re

    mail = Outbox.objects.get(ticket=resolved["ticket"], event="ticket_resolved")
    links = re.findall(r"(http\S+/feedback/s/(\S+)/([1-5])/)", mail.body)
    assert [score for _url, _token, score in links] == ["1", "2", "3", "4", "5"]
    assert SurveyInvite.objects.filter(ticket=resolved["ticket"]).count() == 1
    token = links[1][1]
    assert client.get(f"/feedback/s/{token}/2/").status_code == 200
    assert CallBack.objects.filter(ticket=resolved["ticket"], score=2).exists()


# Survey rules and templates (issue 18, items 1 and 2).


def test_the_first_matching_rule_wins_and_empty_means_any():
    by_type = RuleFacts(pk=1, type_ids=frozenset({7}), category_ids=frozenset(), sample_percent=100)
    anything = RuleFacts(pk=2, type_ids=frozenset(), category_ids=frozenset(), sample_percent=100)
    assert pick_rule([by_type, anything], ticket_id=1, type_id=7, category_id=None) == by_type
    assert pick_rule([by_type, anything], ticket_id=1, type_id=8, category_id=3) == anything


def test_the_sample_is_stable_and_near_its_share():
    taken = [in_sample(ticket, 5, 30) for ticket in range(10_000)]
    assert 0.27 < sum(taken) / len(taken) < 0.33
    assert taken == [in_sample(ticket, 5, 30) for ticket in range(10_000)]


def _resolve(make_ticket, admin, dispatch, **fields):
    client_user = ContactUserFactory()
    contact = client_user.contact
    ticket = make_ticket(company_id=contact.company_id, contact_id=contact.pk, **fields)
    ticket_change_status(actor=admin, number=ticket.number, status_code="resolved")
    dispatch()
    return ticket


def test_a_rule_for_another_type_leaves_the_ticket_unsurveyed(admin, make_ticket, dispatch):
    other = TicketType.objects.create(code="rfc", name="Change")
    rule = SurveyRule.objects.create(name="Changes only")
    rule.ticket_types.add(other)
    ticket = _resolve(make_ticket, admin, dispatch)
    assert not SurveyInvite.objects.filter(ticket=ticket).exists()
    mail = Outbox.objects.get(ticket=ticket, event="ticket_resolved")
    assert "/feedback/s/" not in mail.body and "#rate" in mail.body


def test_a_thumbs_template_offers_two_answers_and_its_question(admin, make_ticket, dispatch):
    thumbs = SurveyTemplate.objects.create(
        name="Quick", scale="thumbs", question="Did we fix it?", question_ru="Мы помогли?"
    )
    SurveyRule.objects.create(name="All", template=thumbs)
    ticket = _resolve(make_ticket, admin, dispatch)
    mail = Outbox.objects.get(ticket=ticket, event="ticket_resolved")
    assert ("Did we fix it?" in mail.body) or ("Мы помогли?" in mail.body)
    assert mail.body.count("/feedback/s/") == 2


def test_a_poor_score_reopens_and_tells_the_lead_and_the_manager(
    admin, make_ticket, dispatch, client
):
    lead = UserFactory(username="lead2", role=Role.AGENT, email="lead@example.com")
    manager = UserFactory(username="boss", role=Role.SUPERVISOR, email="boss@example.com")
    team = TeamFactory(lead=lead)
    SurveyRule.objects.create(name="Reopen", poor_action="reopen", poor_threshold=3)
    ticket = _resolve(make_ticket, admin, dispatch, team_id=team.pk)
    ticket.company.manager = manager
    ticket.company.save()
    invite = SurveyInvite.objects.get(ticket=ticket)
    client.get(f"/feedback/s/{survey_token(invite=invite)}/3/")
    ticket.refresh_from_db()
    assert ticket.phase in ("open", "new")
    told = set(Outbox.objects.filter(event="poor_score").values_list("recipient", flat=True))
    assert told == {"lead@example.com", "boss@example.com"}
    client.get(f"/feedback/s/{survey_token(invite=invite)}/2/")  # a second click acts no more
    assert Outbox.objects.filter(event="poor_score").count() == 2


def test_a_poor_score_can_open_a_follow_up_for_the_lead(admin, make_ticket, dispatch, client):
    lead = UserFactory(username="lead3", role=Role.AGENT)
    team = TeamFactory(lead=lead, members=[lead])
    SurveyRule.objects.create(name="Follow", poor_action="follow_up")
    ticket = _resolve(make_ticket, admin, dispatch, team_id=team.pk)
    invite = SurveyInvite.objects.get(ticket=ticket)
    client.get(f"/feedback/s/{survey_token(invite=invite)}/1/")
    follow = Ticket.objects.get(parent=ticket)
    assert follow.assignee_id == lead.pk and f"#{ticket.number}" in follow.title


def test_rules_by_company_category(admin, make_ticket, dispatch):
    vip = CompanyCategory.objects.create(code="vip", name="VIP")
    rule = SurveyRule.objects.create(name="VIP only")
    rule.company_categories.add(vip)
    plain = _resolve(make_ticket, admin, dispatch)
    assert not SurveyInvite.objects.filter(ticket=plain).exists()
    client_user = ContactUserFactory()
    company = client_user.contact.company
    company.category = vip
    company.save()
    ticket = make_ticket(company_id=company.pk, contact_id=client_user.contact.pk)
    ticket_change_status(actor=admin, number=ticket.number, status_code="resolved")
    dispatch()
    assert SurveyInvite.objects.get(ticket=ticket).rule == rule
