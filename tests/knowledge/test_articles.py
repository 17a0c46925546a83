"""Articles: Markdown rendered safely, every save a version, diff and restore, translations."""

from __future__ import annotations

import datetime as dt

import pytest

from deskline.accounts.models import User
from deskline.core.errors import PermissionDenied, ValidationFailed
from deskline.knowledge.article_selectors import (
    categories_for,
    related_for,
    review_queue_for,
    translations_of,
    version_diff,
    versions_of,
)
from deskline.knowledge.article_services import (
    article_create,
    article_restore,
    article_set_state,
    article_update,
    category_create,
    review_reminders_send,
)
from deskline.knowledge.models import ArticleState
from deskline.notifications.models import Outbox
from tests.factories import ContactUserFactory, EquipmentKindFactory
from tests.knowledge.factories import article

pytestmark = pytest.mark.django_db


def test_markdown_body_is_rendered_and_sanitised(admin: User) -> None:
    row = article(body="**bold** <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<strong>bold</strong>" in row.body_html
    assert "<script>" not in row.body_html and 'href="javascript' not in row.body_html


def test_a_new_article_is_a_draft_owned_by_its_author(agent: User) -> None:
    row = article_create(actor=agent, title="Draft")
    assert row.state == ArticleState.DRAFT and row.owner == agent and row.version == 1


def test_clients_may_not_write_articles(db: None) -> None:
    with pytest.raises(PermissionDenied):
        article_create(actor=ContactUserFactory(), title="Mine")


def test_an_article_needs_a_title(admin: User) -> None:
    with pytest.raises(ValidationFailed):
        article_create(actor=admin, title="  ")


def test_each_save_is_a_version(admin: User) -> None:
    row = article(title="One")
    article_update(actor=admin, article_id=row.pk, title="Two")
    article_update(actor=admin, article_id=row.pk, body="New text")
    assert [v.number for v in versions_of(user=admin, article_id=row.pk)] == [3, 2, 1]


def test_diff_between_versions_shows_changed_lines(admin: User) -> None:
    row = article(title="Paper", body="line one\nline two")
    article_update(actor=admin, article_id=row.pk, body="line one\nline 2")
    diff = version_diff(user=admin, article_id=row.pk, old=1, new=2)
    assert "-line two" in diff and "+line 2" in diff


def test_restore_brings_back_an_old_text_as_a_new_version(admin: User) -> None:
    row = article(title="Paper", body="old text")
    article_update(actor=admin, article_id=row.pk, title="Changed", body="new text")
    restored = article_restore(actor=admin, article_id=row.pk, number=1)
    assert (restored.title, restored.body, restored.version) == ("Paper", "old text", 3)


def test_state_change_is_a_version_and_publishing_stamps_the_date(admin: User) -> None:
    row = article_create(actor=admin, title="Draft")
    row = article_set_state(actor=admin, article_id=row.pk, state=ArticleState.PUBLISHED)
    assert row.published_at is not None and row.version == 2


def test_tags_equipment_kinds_and_related_articles_are_kept(admin: User) -> None:
    other = article(title="Other")
    kind = EquipmentKindFactory()
    row = article(tags=["paper", "kkt"], equipment_kinds=[kind.pk], related=[other.pk])
    assert sorted(t.name for t in row.tags.all()) == ["kkt", "paper"]
    assert list(row.equipment_kinds.all()) == [kind]
    assert related_for(user=admin, article=other) == [row]


def test_unknown_linked_ids_are_refused(admin: User) -> None:
    with pytest.raises(ValidationFailed):
        article(equipment_kinds=[99999])


def test_translations_are_linked_both_ways(admin: User) -> None:
    ru = article(title="Замена бумаги", language="ru")
    en = article(title="Changing paper", language="en", translation_of_id=ru.pk)
    assert translations_of(user=admin, article=ru) == [en]
    assert translations_of(user=admin, article=en) == [ru]


def test_category_tree_counts_visible_articles(admin: User) -> None:
    root = category_create(actor=admin, name="Cash registers")
    child = category_create(actor=admin, name="Paper", parent_id=root.pk)
    article(category_id=child.pk)
    counts = {c.name: c.article_count for c in categories_for(user=admin)}
    assert counts == {"Cash registers": 0, "Paper": 1} and child.parent == root


def test_review_queue_has_articles_in_review_and_those_past_their_review_date(
    admin: User,
) -> None:
    waiting = article(state=ArticleState.IN_REVIEW, title="Waiting")
    due = article(title="Due", review_due="2020-01-01")
    article(title="Fresh", review_due="2999-01-01")
    assert {a.pk for a in review_queue_for(user=admin)} == {waiting.pk, due.pk}


def test_owners_are_reminded_once_of_articles_due_for_review(admin: User) -> None:
    admin.email = "owner@example.com"
    admin.save(update_fields=["email"])
    article(title="Due", review_due="2020-01-01", actor=admin)
    article(title="Later", review_due="2999-01-01", actor=admin)
    today = dt.date(2026, 1, 1)
    assert review_reminders_send(today=today) == 1
    assert review_reminders_send(today=today) == 0
    row = Outbox.objects.get(event="kb_review_due")
    assert row.recipient == "owner@example.com" and "Due" in row.body and "Later" not in row.body
