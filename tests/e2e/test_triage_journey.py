"""Browser journey of issue 19: an agent accepts a suggested category and team with one click."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from deskline.accounts.models import Role
from deskline.tickets.models import Category
from deskline.tickets.services import ticket_create
from deskline.triage import classifier
from deskline.triage.models import TicketPrediction, TriageFieldSetting, TriageModel
from deskline.triage.training import dump_classifier
from tests.e2e.conftest import desk_login, shot
from tests.factories import AdminFactory, TeamFactory, UserFactory
from tests.triage.conftest import TOPICS, topic_examples

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _install(field: str, ids: dict[str, int]) -> None:
    texts, labels = topic_examples(ids)
    model = classifier.train(texts, labels, grid=(classifier.Settings(),))
    TriageModel.objects.create(field=field, version=1, artefact=dump_classifier(model),
                               metrics={}, trained_at=timezone.now(), is_active=True)  # fmt: skip
    TriageFieldSetting.objects.create(field=field, mode="suggest", threshold=0.9)


def test_agent_accepts_the_suggested_category_and_team_with_one_click_each(
    live_server: Any, page: Any
) -> None:
    admin = AdminFactory(username="admin")
    agent = UserFactory(username="agent", role=Role.AGENT)
    categories = {name: Category.objects.create(name=name) for name in TOPICS}
    teams = {name: TeamFactory(name=f"{name} team", members=[agent]) for name in TOPICS}
    _install("category", {n: c.pk for n, c in categories.items()})
    _install("team", {n: t.pk for n, t in teams.items()})
    ticket = ticket_create(actor=admin, title="The printer jams paper in accounting")
    base = live_server.url
    desk_login(page, base, "agent")
    page.goto(f"{base}/tickets/{ticket.number}/")
    page.locator("[data-triage-accept=category]").wait_for()
    shot(page, "desk-triage-suggestions-1280")
    page.click("[data-triage-accept=category]")
    page.wait_for_selector("text=Suggestion accepted.")
    page.click("[data-triage-accept=team]")
    page.wait_for_selector("text=Suggestion accepted.")
    ticket.refresh_from_db()
    assert ticket.category_id == categories["Printers"].pk
    assert ticket.team_id == teams["Printers"].pk
    assert set(TicketPrediction.objects.values_list("outcome", flat=True)) == {"accepted"}
