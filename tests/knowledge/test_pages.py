"""Help-centre and desk knowledge pages: who opens what, deflection, feedback, editor."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from deskline.accounts.models import Role, User
from deskline.knowledge.models import (
    Article,
    ArticleAudience,
    ArticleFeedback,
    ArticleState,
    Deflection,
)
from deskline.tickets.models import Ticket
from tests.factories import CompanyFactory, ContactFactory, ContactUserFactory, UserFactory
from tests.knowledge.factories import article

pytestmark = pytest.mark.django_db


@pytest.fixture
def kb(admin: User) -> dict[str, Any]:
    company = CompanyFactory()
    client_user = ContactUserFactory(contact=ContactFactory(company=company))
    return {
        "client": client_user,
        "public": article(title="Printer paper public", body="Load the **paper** tray."),
        "internal": article(title="Printer paper internal secret",
                            audience=ArticleAudience.INTERNAL),
        "draft": article(title="Printer paper draft", state=ArticleState.DRAFT),
    }  # fmt: skip


def _as(user: User | None) -> Client:
    web = Client()
    if user is not None:
        web.force_login(user)
    return web


def test_a_visitor_reads_a_public_article_when_allowed(kb: Any, settings: Any) -> None:
    settings.DESKLINE_KB_PUBLIC = True
    page = _as(None).get(f"/portal/help/articles/{kb['public'].pk}/")
    assert page.status_code == 200 and "<strong>paper</strong>" in page.content.decode()


def test_a_visitor_is_sent_to_sign_in_when_public_reading_is_off(kb: Any, settings: Any) -> None:
    settings.DESKLINE_KB_PUBLIC = False
    page = _as(None).get(f"/portal/help/articles/{kb['public'].pk}/")
    assert page.status_code == 302 and page["Location"].startswith("/portal/login/")


def test_client_never_sees_an_internal_or_draft_article_on_any_portal_page(kb: Any) -> None:
    web = _as(kb["client"])
    for name in ("internal", "draft"):
        assert web.get(f"/portal/help/articles/{kb[name].pk}/").status_code == 404
    pages = [web.get("/portal/help/", {"q": "printer paper"}),
             web.get("/portal/help/suggest/", {"title": "printer paper"})]  # fmt: skip
    for page in pages:
        text = page.content.decode()
        assert "Printer paper public" in text and "secret" not in text and "draft" not in text


def test_category_page_lists_only_readable_articles(kb: Any, admin: User) -> None:
    from deskline.knowledge.article_services import article_update, category_create

    cat = category_create(actor=admin, name="Printers")
    for name in ("public", "internal"):
        article_update(actor=admin, article_id=kb[name].pk, category_id=cat.pk)
    text = _as(kb["client"]).get(f"/portal/help/categories/{cat.pk}/").content.decode()
    assert "Printer paper public" in text and "secret" not in text


def test_viewing_an_article_counts_a_view(kb: Any) -> None:
    _as(kb["client"]).get(f"/portal/help/articles/{kb['public'].pk}/")
    assert Article.objects.get(pk=kb["public"].pk).view_count == 1


def test_helpful_feedback_with_a_reason_is_recorded(kb: Any) -> None:
    url = f"/portal/help/articles/{kb['public'].pk}/feedback/"
    page = _as(kb["client"]).post(url, {"helpful": "no", "reason": "too short"})
    assert page.status_code == 200
    row = ArticleFeedback.objects.get()
    assert (row.helpful, row.reason, row.user) == (False, "too short", kb["client"])


def test_this_solved_it_records_a_deflection_and_creates_no_ticket(kb: Any) -> None:
    page = _as(kb["client"]).post(
        "/portal/help/solved/", {"article_id": kb["public"].pk, "query": "printer paper"}
    )
    assert page.status_code == 200 and "No ticket was created" in page.content.decode()
    assert Deflection.objects.get().query == "printer paper"
    assert not Ticket.objects.exists()


def test_deflection_on_an_internal_article_is_not_found(kb: Any) -> None:
    page = _as(kb["client"]).post("/portal/help/solved/", {"article_id": kb["internal"].pk})
    assert page.status_code == 404 and not Deflection.objects.exists()


def test_the_new_ticket_form_asks_for_suggestions_as_the_subject_is_typed(kb: Any) -> None:
    text = _as(kb["client"]).get("/portal/new/").content.decode()
    assert 'hx-get="/portal/help/suggest/"' in text and "from:[name=title]" in text


def test_staff_opening_the_help_centre_go_to_the_desk_knowledge_base(kb: Any) -> None:
    assert _as(UserFactory(role=Role.AGENT)).get("/portal/help/")["Location"] == "/kb/"


def test_agent_writes_an_article_in_the_editor(kb: Any) -> None:
    web = _as(UserFactory(role=Role.AGENT))
    form = {"title": "Toner", "body": "Open **lid**", "language": "en", "audience": "public",
            "state": "draft", "tags": "printer, toner"}  # fmt: skip
    page = web.post("/kb/new/", form)
    made = Article.objects.get(title="Toner")
    assert page["Location"] == f"/kb/{made.pk}/edit/?saved=1"
    assert sorted(t.name for t in made.tags.all()) == ["printer", "toner"]


def test_editor_preview_renders_sanitised_markdown(kb: Any) -> None:
    page = _as(UserFactory(role=Role.AGENT)).post("/kb/preview/", {"body": "**b** <script>"})
    assert page.content.decode().strip() == "<p><strong>b</strong> &lt;script&gt;</p>"


def test_versions_page_shows_a_diff_and_restores(kb: Any, admin: User) -> None:
    from deskline.knowledge.article_services import article_update

    pk = kb["public"].pk
    article_update(actor=admin, article_id=pk, body="Changed text")
    web = _as(admin)
    text = web.get(f"/kb/{pk}/versions/", {"old": 1, "new": 2}).content.decode()
    assert "+Changed text" in text
    assert web.post(f"/kb/{pk}/versions/1/restore/").status_code == 302
    assert Article.objects.get(pk=pk).body == kb["public"].body


def test_review_queue_lists_articles_in_review(kb: Any, admin: User) -> None:
    article(title="Please review", state=ArticleState.IN_REVIEW)
    assert "Please review" in _as(admin).get("/kb/review/").content.decode()


def test_ticket_page_suggestions_follow_the_ticket_subject(kb: Any, make_ticket: Any,
                                                         admin: User) -> None:  # fmt: skip
    ticket = make_ticket(title="printer paper")
    text = _as(admin).get(f"/kb/tickets/{ticket.number}/suggestions/").content.decode()
    assert "Printer paper public" in text and "Printer paper internal secret" in text
    page = _as(admin).get(f"/tickets/{ticket.number}/").content.decode()
    assert f'hx-get="/kb/tickets/{ticket.number}/suggestions/"' in page


def test_clients_are_kept_out_of_desk_knowledge_pages(kb: Any) -> None:
    web = _as(kb["client"])
    for url in ("/kb/", "/kb/new/", "/kb/review/", f"/kb/{kb['public'].pk}/versions/"):
        assert web.get(url)["Location"] == "/portal/", url


def test_chat_widget_answers_and_hands_over_with_the_conversation(kb: Any) -> None:
    web = _as(kb["client"])
    assert web.get("/portal/help/chat/").status_code == 200
    text = web.post("/portal/help/chat/say/", {"text": "printer paper public"}).content.decode()
    assert "Printer paper public" in text and "secret" not in text
    text = web.post("/portal/help/chat/handover/").content.decode()
    ticket = Ticket.objects.get()
    assert f"#{ticket.number}" in text and "printer paper public" in ticket.description


def test_chat_solved_counts_a_bot_deflection(kb: Any) -> None:
    web = _as(kb["client"])
    web.get("/portal/help/chat/")
    web.post("/portal/help/chat/say/", {"text": "printer paper public"})
    web.post("/portal/help/chat/solved/")
    assert Deflection.objects.get().source == "bot" and not Ticket.objects.exists()


def test_create_article_from_a_ticket_prefills_question_and_staff_answer(
    kb: Any, make_ticket: Any, admin: User
) -> None:
    from deskline.tickets.services import comment_add

    ticket = make_ticket(title="Receipts are pale", description="The printer prints pale text.")
    comment_add(actor=admin, number=ticket.number, body="Change the thermal roll.")
    comment_add(actor=admin, number=ticket.number, body="Internal guess", is_public=False)
    text = _as(admin).get("/kb/new/", {"ticket": ticket.number}).content.decode()
    assert 'value="Receipts are pale"' in text
    assert "The printer prints pale text." in text and "Change the thermal roll." in text
    assert "Internal guess" not in text


def test_create_article_from_a_ticket_the_agent_cannot_see_is_not_found(
    kb: Any, make_ticket: Any
) -> None:
    from tests.factories import TeamFactory

    ticket = make_ticket(title="Elsewhere", team_id=TeamFactory().pk)
    response = _as(UserFactory(role=Role.CONTRACTOR)).get("/kb/new/", {"ticket": ticket.number})
    assert response.status_code == 404


def test_agent_inserts_an_articles_link_or_text_after_the_draft(
    kb: Any, make_ticket: Any, admin: User
) -> None:
    ticket = make_ticket(title="printer paper")
    web, url = _as(admin), f"/kb/tickets/{ticket.number}/insert/"
    pk = kb["public"].pk
    link = web.post(url, {"article_id": pk, "mode": "link", "body": "Hello,"}).content.decode()
    assert "Hello,\n\nPrinter paper public: http" in link and f"/portal/help/articles/{pk}/" in link
    text = web.post(url, {"article_id": pk, "mode": "text"}).content.decode()
    assert "Load the paper tray." in text


def test_an_internal_article_cannot_go_into_a_reply(kb: Any, make_ticket: Any, admin: User) -> None:
    ticket = make_ticket(title="printer paper")
    url = f"/kb/tickets/{ticket.number}/insert/"
    assert _as(admin).post(url, {"article_id": kb["internal"].pk}).status_code == 404
    text = _as(admin).get(f"/kb/tickets/{ticket.number}/suggestions/").content.decode()
    assert text.count("Insert link") == 1 and "not for this client" in text
