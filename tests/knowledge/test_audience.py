"""The one audience rule (`articles_for`): who reads which article, and search respects it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from deskline.accounts.models import Role, User
from deskline.core.errors import NotFound
from deskline.knowledge.article_selectors import article_get_for, articles_for
from deskline.knowledge.article_services import deflection_record, feedback_record
from deskline.knowledge.models import ArticleAudience, ArticleState
from deskline.knowledge.search import search
from tests.factories import (
    CompanyCategoryFactory,
    CompanyFactory,
    ContactFactory,
    ContactUserFactory,
    UserFactory,
)
from tests.knowledge.factories import article

pytestmark = pytest.mark.django_db


@pytest.fixture
def kb(admin: User) -> dict[str, Any]:
    vip = CompanyCategoryFactory(code="vip")
    mine, other = CompanyFactory(category=vip), CompanyFactory()
    client = ContactUserFactory(contact=ContactFactory(company=mine))
    rows = {
        "public": article(title="Printer paper public"),
        "internal": article(title="Printer paper internal", audience=ArticleAudience.INTERNAL),
        "draft": article(title="Printer paper draft", state=ArticleState.DRAFT),
        "archived": article(title="Printer paper archived", state=ArticleState.ARCHIVED),
        "mine": article(title="Printer paper mine", audience=ArticleAudience.CLIENTS,
                        companies=[mine.pk]),
        "vip": article(title="Printer paper vip", audience=ArticleAudience.CLIENTS,
                       company_categories=[vip.pk]),
        "theirs": article(title="Printer paper theirs", audience=ArticleAudience.CLIENTS,
                          companies=[other.pk]),
    }  # fmt: skip
    return {"client": client, "rows": rows}


def _names(kb: dict[str, Any], rows: Any) -> set[str]:
    ids = {a.pk for a in rows}
    return {name for name, row in kb["rows"].items() if row.pk in ids}


def test_client_reads_public_own_company_and_own_category_articles_only(kb: Any) -> None:
    assert _names(kb, articles_for(kb["client"])) == {"public", "mine", "vip"}


def test_staff_read_every_published_article_and_with_drafts_every_state(kb: Any) -> None:
    agent = UserFactory(role=Role.AGENT)
    assert _names(kb, articles_for(agent)) == {"public", "internal", "mine", "vip", "theirs"}
    assert _names(kb, articles_for(agent, drafts=True)) == set(kb["rows"])


def test_drafts_flag_gives_clients_nothing_more(kb: Any) -> None:
    assert _names(kb, articles_for(kb["client"], drafts=True)) == {"public", "mine", "vip"}


def test_visitors_read_public_articles_when_the_setting_allows(kb: Any, settings: Any) -> None:
    settings.DESKLINE_KB_PUBLIC = True
    assert _names(kb, articles_for(AnonymousUser())) == {"public"}
    settings.DESKLINE_KB_PUBLIC = False
    assert _names(kb, articles_for(AnonymousUser())) == set()


def test_an_inactive_client_reads_nothing(kb: Any) -> None:
    kb["client"].is_active = False
    assert _names(kb, articles_for(kb["client"])) == set()


def test_a_client_without_a_company_reads_public_articles(kb: Any) -> None:
    assert _names(kb, articles_for(ContactUserFactory())) == {"public"}


def test_an_internal_article_is_not_found_for_a_client(kb: Any) -> None:
    with pytest.raises(NotFound):
        article_get_for(user=kb["client"], article_id=kb["rows"]["internal"].pk)


def test_search_never_ranks_an_article_outside_the_clients_audience(kb: Any) -> None:
    hits = search(user=kb["client"], text="printer paper", limit=50)
    assert _names(kb, [h.article for h in hits]) == {"public", "mine", "vip"}


def test_feedback_and_deflection_on_an_internal_article_are_not_found(kb: Any) -> None:
    internal = kb["rows"]["internal"].pk
    with pytest.raises(NotFound):
        feedback_record(user=kb["client"], article_id=internal, helpful=True)
    with pytest.raises(NotFound):
        deflection_record(user=kb["client"], article_id=internal)
