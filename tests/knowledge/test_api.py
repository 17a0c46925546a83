"""The /api/v1/kb/ endpoints: staff write and review, clients read only their audience."""

from __future__ import annotations

from typing import Any

import pytest

from deskline.accounts.models import Role, User
from deskline.knowledge.article_services import category_create
from deskline.knowledge.models import (
    ArticleAudience,
    ArticleFeedback,
    ArticleState,
    Deflection,
    SearchLog,
)
from tests.factories import CompanyFactory, ContactFactory, ContactUserFactory, UserFactory
from tests.knowledge.factories import article

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin: User) -> dict[str, Any]:
    company = CompanyFactory()
    return {
        "client": ContactUserFactory(contact=ContactFactory(company=company)),
        "public": article(title="Printer paper public"),
        "internal": article(title="Printer paper internal", audience=ArticleAudience.INTERNAL),
        "mine": article(title="Printer paper mine", audience=ArticleAudience.CLIENTS,
                        companies=[company.pk]),
        "draft": article(title="Printer paper draft", state=ArticleState.DRAFT),
    }  # fmt: skip


def _ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def test_agent_writes_an_article_and_gets_it_back_rendered(api_for: Any) -> None:
    api = api_for(UserFactory(role=Role.AGENT))
    response = api.post("kb/articles", {"title": "Toner", "body": "**Open** the lid",
                                        "tags": ["printer"]})  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "draft" and body["tags"] == ["printer"]
    assert "<strong>Open</strong>" in body["body_html"]


def test_an_invalid_state_is_a_422_naming_the_field(api_for: Any) -> None:
    api = api_for(UserFactory(role=Role.AGENT))
    response = api.post("kb/articles", {"title": "Toner", "state": "gone"})
    assert response.status_code == 422 and "state" in response.json()["error"]["fields"]


def test_patch_makes_a_version_and_diff_and_restore_work(admin_api: Any, world: Any) -> None:
    pk = world["public"].pk
    assert admin_api.patch(f"kb/articles/{pk}", {"body": "New body"}).json()["version"] == 2
    versions = admin_api.get(f"kb/articles/{pk}/versions").json()
    assert [v["number"] for v in versions] == [2, 1]
    diff = admin_api.get(f"kb/articles/{pk}/diff", {"old": 1, "new": 2}).json()["lines"]
    assert "+New body" in diff
    restored = admin_api.post(f"kb/articles/{pk}/restore", {"number": 1}).json()
    assert restored["version"] == 3 and restored["body"] == world["public"].body


def test_staff_list_drafts_on_request(admin_api: Any, world: Any) -> None:
    assert world["draft"].pk not in _ids(admin_api.get("kb/articles"))
    assert world["draft"].pk in _ids(admin_api.get("kb/articles", {"drafts": "true"}))


def test_client_lists_only_its_audience_even_asking_for_drafts(api_for: Any, world: Any) -> None:
    api = api_for(world["client"])
    expected = {world["public"].pk, world["mine"].pk}
    assert _ids(api.get("kb/articles")) == expected
    assert _ids(api.get("kb/articles", {"drafts": "true"})) == expected


def test_client_gets_404_for_internal_and_draft_articles(api_for: Any, world: Any) -> None:
    api = api_for(world["client"])
    for name in ("internal", "draft"):
        assert api.get(f"kb/articles/{world[name].pk}").status_code == 404, name
    assert api.get(f"kb/articles/{world['public'].pk}").status_code == 200


def test_client_search_never_returns_an_internal_article(api_for: Any, world: Any) -> None:
    response = api_for(world["client"]).get("kb/search", {"q": "printer paper", "limit": 50})
    assert _ids(response) == {world["public"].pk, world["mine"].pk}


def test_search_answers_with_a_passage_and_is_logged(api_for: Any, world: Any) -> None:
    items = api_for(world["client"]).get("kb/search", {"q": "new roll"}).json()["items"]
    assert items and "roll" in items[0]["passage"]
    assert SearchLog.objects.filter(query="new roll", results=len(items)).exists()


def test_client_may_not_write_or_read_history(api_for: Any, world: Any) -> None:
    api = api_for(world["client"])
    pk = world["public"].pk
    assert api.post("kb/articles", {"title": "Mine"}).status_code == 403
    assert api.patch(f"kb/articles/{pk}", {"title": "Mine"}).status_code == 403
    assert api.get(f"kb/articles/{pk}/versions").status_code == 403
    assert api.get(f"kb/articles/{pk}/diff", {"old": 1, "new": 1}).status_code == 403
    assert api.post(f"kb/articles/{pk}/restore", {"number": 1}).status_code == 403


def test_categories_count_only_what_the_client_may_read(api_for: Any, admin_api: Any) -> None:
    cat = category_create(actor=admin_api.user, name="Printers")
    article(title="Public", category_id=cat.pk)
    article(title="Internal", category_id=cat.pk, audience=ArticleAudience.INTERNAL)
    client = ContactUserFactory()
    rows = api_for(client).get("kb/categories").json()
    assert [(r["name"], r["article_count"]) for r in rows] == [("Printers", 1)]


def test_feedback_is_recorded_and_refused_on_an_internal_article(api_for: Any, world: Any) -> None:
    api = api_for(world["client"])
    ok = api.post(f"kb/articles/{world['public'].pk}/feedback", {"helpful": False,
                                                                  "reason": "outdated"})  # fmt: skip
    assert ok.status_code == 204
    assert ArticleFeedback.objects.get().reason == "outdated"
    refused = api.post(f"kb/articles/{world['internal'].pk}/feedback", {"helpful": True})
    assert refused.status_code == 404


def test_deflection_is_recorded_for_a_readable_article_only(api_for: Any, world: Any) -> None:
    api = api_for(world["client"])
    body = {"article_id": world["public"].pk, "query": "paper"}
    assert api.post("kb/deflections", body).status_code == 204
    body = {"article_id": world["internal"].pk}
    assert api.post("kb/deflections", body).status_code == 404
    assert Deflection.objects.count() == 1
