"""The survey answers report (escalations for quality reviews) and stress per team (never per
person)."""

from __future__ import annotations

import pytest

from deskline.accounts.models import Role
from deskline.feedback.models import StressMark, SurveyInvite
from deskline.feedback.services import survey_answer, survey_comment, survey_token
from deskline.tickets.services import ticket_change_status
from tests.factories import ContactUserFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_answers_list_the_poor_scores_first_with_comments_and_call_backs(
    admin, make_ticket, dispatch, api_for
):
    scores = {}
    for title, score in (("Fine", 5), ("Bad", 1)):
        contact = ContactUserFactory().contact
        ticket = make_ticket(title=title, company_id=contact.company_id, contact_id=contact.pk)
        ticket_change_status(actor=admin, number=ticket.number, status_code="resolved")
        dispatch()
        token = survey_token(invite=SurveyInvite.objects.get(ticket=ticket))
        survey_answer(token=token, score=score)
        survey_comment(token=token, comment=f"{title} service")
        scores[title] = ticket.number
    rows = api_for(admin).get("reports/answers").json()["rows"]
    assert [r["number"] for r in rows] == [scores["Bad"], scores["Fine"]]
    assert rows[0]["comment"] == "Bad service" and rows[0]["call_back"] == "to call back"
    assert rows[1]["call_back"] == ""


def test_stress_is_shown_per_team_and_hidden_for_fewer_than_three_people(admin, api_for):
    people = [UserFactory(role=Role.AGENT) for _ in range(3)]
    TeamFactory(name="Big", members=people)
    TeamFactory(name="Pair", members=people[:2])
    for user, level in zip(people, ("high", "low", "medium"), strict=True):
        StressMark.objects.create(user=user, level=level)
    rows = api_for(admin).get("reports/stress", {"grain": "week"}).json()["rows"]
    assert [r["team"] for r in rows] == ["Big"]
    assert (rows[0]["low"], rows[0]["medium"], rows[0]["high"]) == (1, 1, 1)
    assert rows[0]["high_pct"] == 33.3


def test_agents_cannot_read_the_stress_report(api_for, agent):
    assert api_for(agent).get("reports/stress").status_code == 403
