"""The knowledge report: unanswered searches, views, helpfulness, tickets anyway, deflection."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from deskline.accounts.models import Role, User
from deskline.core.errors import PermissionDenied
from deskline.knowledge.article_services import (
    article_viewed,
    deflection_record,
    feedback_record,
    search_run,
)
from deskline.knowledge.bot import conversation_handover, conversation_say, conversation_start
from deskline.knowledge.report import knowledge_report
from deskline.tickets.services import ticket_create
from tests.factories import CompanyFactory, ContactFactory, ContactUserFactory, UserFactory
from tests.knowledge.factories import article

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_user(db: None) -> User:
    return ContactUserFactory(contact=ContactFactory(company=CompanyFactory()))


def _this_week(report: dict[str, Any]) -> dict[str, Any]:
    return report["weekly"][-1]


def test_searches_with_no_result_are_listed_most_frequent_first(admin: User) -> None:
    for text in ("Зонтик", "зонтик", "velociraptor"):
        search_run(user=admin, text=text)
    rows = knowledge_report(user=admin)["no_result"]
    assert [(r["text"], r["n"]) for r in rows] == [("зонтик", 2), ("velociraptor", 1)]


def test_most_viewed_and_most_helpful_articles(admin: User, client_user: User) -> None:
    one, two = article(title="One"), article(title="Two")
    article_viewed(article=two)
    feedback_record(user=client_user, article_id=one.pk, helpful=True)
    feedback_record(user=client_user, article_id=two.pk, helpful=False)
    report = knowledge_report(user=admin)
    assert [r["title"] for r in report["most_viewed"]] == ["Two"]
    assert [(r["article__title"], r["yes"], r["no"]) for r in report["most_helpful"]] == [
        ("One", 1, 0), ("Two", 0, 1)
    ]  # fmt: skip


def test_portal_deflection_rate_counts_deflections_against_portal_tickets(
    admin: User, client_user: User
) -> None:
    paper = article(title="Paper")
    deflection_record(user=client_user, article_id=paper.pk, query="paper")
    ticket_create(actor=client_user, title="Printer", channel="portal")
    week = _this_week(knowledge_report(user=admin))
    assert (week["portal_deflected"], week["portal_tickets"], week["portal_rate"]) == (1, 1, 0.5)


def test_bot_handover_counts_for_the_bot_and_names_the_article_that_led_to_a_ticket(
    admin: User, client_user: User
) -> None:
    paper = article(title="Paper jam in the printer", body="Open the lid.")
    talk = conversation_start(user=client_user)
    conversation_say(user=client_user, conversation_id=talk.pk, text="paper jam printer")
    conversation_handover(user=client_user, conversation_id=talk.pk)
    report = knowledge_report(user=admin)
    week = _this_week(report)
    assert (week["bot_solved"], week["bot_handed_over"], week["portal_tickets"]) == (0, 1, 0)
    assert [r["article_id"] for r in report["led_to_tickets"]] == [paper.pk]


def test_the_report_has_one_row_per_week(admin: User) -> None:
    report = knowledge_report(user=admin, weeks=4, now=timezone.now())
    weeks = [w["week"] for w in report["weekly"]]
    assert len(weeks) == 4 and weeks[1] - weeks[0] == dt.timedelta(weeks=1)


def test_agents_and_clients_do_not_read_the_report(client_user: User) -> None:
    for user in (UserFactory(role=Role.AGENT), client_user):
        with pytest.raises(PermissionDenied):
            knowledge_report(user=user)
