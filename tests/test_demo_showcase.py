"""The demo's showcase: every part of the product has something in it after `deskline demo`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from deskline.accounts.models import User
from deskline.analytics.models import DailyTicketStats, TicketFact
from deskline.billing.models import CatalogItem
from deskline.billing.selectors import price_in_force
from deskline.cli import main
from deskline.clients.models import Contract
from deskline.core.roles import Role
from deskline.demo.showcase import ARTICLES, CATALOGUE, DISPATCHER, ENGINEERS
from deskline.fieldwork.maintenance_models import MaintenancePlan
from deskline.fieldwork.visit_models import Visit
from deskline.fieldwork.visit_selectors import dispatch_board, waiting_for_visit
from deskline.knowledge.article_models import Article, ArticleState
from deskline.notifications.models import Outbox
from deskline.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["demo", "--tickets", "400", "--seed", "7"]) == 0
    return capsys.readouterr().out


def test_the_dispatcher_sees_todays_visits_and_tickets_waiting_for_one(demo: str) -> None:
    dispatcher = User.objects.get(username=DISPATCHER, role=Role.DISPATCHER)
    zone = dispatcher.time_zone
    today = timezone.localdate(timezone.now(), timezone=dt.UTC)
    board = dispatch_board(user=dispatcher, first=today - dt.timedelta(days=1), days=3, zone=zone)
    planned = Visit.objects.filter(created_by=dispatcher)
    assert planned.exists()
    assert sum(len(row.visits) for row in board.rows) == planned.count()
    assert waiting_for_visit(dispatcher)  # the rest of the city's visit tickets wait
    assert {u.username for v in planned for u in v.engineers.all()} <= set(ENGINEERS)
    assert "dispatcher01" in demo and "engineer01" in demo


def test_showcase_queues_nothing_for_the_demo_clients(demo: str) -> None:
    assert not DBTaskResult.objects.exists()
    assert not Outbox.objects.exists()


def test_the_default_price_list_prices_every_catalogue_item_for_a_demo_contract(demo: str) -> None:
    contract = Contract.objects.filter(included_hours__isnull=False).first()
    assert contract is not None
    for code, *_, amount in CATALOGUE:
        found = price_in_force(item=CatalogItem.objects.get(code=code), company_id=contract.company_id,
                               contract_id=contract.pk, work_date=timezone.localdate())  # fmt: skip
        assert found is not None and found.amount == amount


def test_articles_are_published_with_their_russian_translations(demo: str) -> None:
    published = Article.objects.filter(state=ArticleState.PUBLISHED)
    assert published.filter(language="en").count() == len(ARTICLES)
    assert published.filter(language="ru", translation_of__language="en").count() == len(ARTICLES)


def test_a_maintenance_plan_has_its_next_date(demo: str) -> None:
    plan = MaintenancePlan.objects.get()
    assert plan.next_due_on is not None


def test_a_second_run_adds_no_showcase_rows(demo: str, capsys: pytest.CaptureFixture[str]) -> None:
    counts = (Visit.objects.count(), Article.objects.count(), MaintenancePlan.objects.count(),
              CatalogItem.objects.count(), User.objects.count())  # fmt: skip
    assert main(["demo", "--tickets", "20", "--seed", "8"]) == 0
    assert (Visit.objects.count(), Article.objects.count(), MaintenancePlan.objects.count(),
            CatalogItem.objects.count(), User.objects.count()) == counts  # fmt: skip


def test_the_reports_have_their_daily_rows_after_the_demo(demo: str) -> None:
    assert DailyTicketStats.objects.exists()
    assert TicketFact.objects.count() == Ticket.objects.count()
