"""Knowledge-base search: morphology, typos, synonyms, layouts, ranking, the index, accuracy."""

from __future__ import annotations

from typing import Any

import pytest

from deskline.accounts.models import User
from deskline.knowledge.article_services import article_update
from deskline.knowledge.models import ArticleTerm, Synonym, TermStat
from deskline.knowledge.search import index_rebuild, search
from tests.knowledge.factories import article
from tests.knowledge.labelled import evaluate, load_articles
from tests.queries import settle_reference_cache

pytestmark = pytest.mark.django_db


def _titles(user: User, text: str) -> list[str]:
    return [h.article.title for h in search(user=user, text=text)]


@pytest.fixture
def printer(admin: User) -> Any:
    article(title="Принтер не печатает", body="Проверьте очередь печати.")
    article(title="Лифт застрял", body="Нажмите кнопку вызова.")
    return article(title="Printer does not print", body="Check the print queue.", language="en")


def test_russian_word_forms_meet(admin: User, printer: Any) -> None:
    assert _titles(admin, "принтера")[0] == "Принтер не печатает"


def test_english_word_forms_meet(admin: User, printer: Any) -> None:
    assert _titles(admin, "printers")[0] == "Printer does not print"


def test_a_misspelt_word_is_matched_by_trigrams(admin: User, printer: Any) -> None:
    assert _titles(admin, "принтр")[0] == "Принтер не печатает"


def test_a_word_typed_in_the_other_keyboard_layout_is_found(admin: User, printer: Any) -> None:
    assert _titles(admin, "ghbynth")[0] == "Принтер не печатает"


def test_a_transliterated_word_is_found(admin: User) -> None:
    article(title="Касса не включается")
    assert _titles(admin, "kassa") == ["Касса не включается"]


def test_seeded_synonyms_join_languages(admin: User, printer: Any) -> None:
    assert set(_titles(admin, "printer")[:2]) == {"Принтер не печатает", "Printer does not print"}


def test_a_synonym_an_admin_adds_widens_the_search(admin: User) -> None:
    article(title="Подъёмная платформа не едет")
    assert _titles(admin, "эскалатор") == []
    Synonym.objects.create(words="платформа, эскалатор")
    assert _titles(admin, "эскалатор") == ["Подъёмная платформа не едет"]


def test_a_title_match_ranks_above_a_body_match(admin: User) -> None:
    article(title="Network cable", body="Toner is sold separately.")
    article(title="Toner replacement", body="Open the lid.")
    assert _titles(admin, "toner") == ["Toner replacement", "Network cable"]


def test_an_article_answering_every_word_ranks_first(admin: User) -> None:
    article(title="Paper", body="Paper paper paper.")
    article(title="Paper jam", body="Remove the jammed paper.")
    assert _titles(admin, "paper jam")[0] == "Paper jam"


def test_the_index_follows_an_edit(admin: User) -> None:
    row = article(title="Bucket", body="")
    article_update(actor=admin, article_id=row.pk, title="Ladder")
    assert _titles(admin, "bucket") == [] and _titles(admin, "ladder") == ["Ladder"]
    assert not ArticleTerm.objects.filter(article=row, term="bucket").exists()


def test_stop_words_alone_find_nothing(admin: User, printer: Any) -> None:
    assert _titles(admin, "как и что") == []


def test_language_narrows_the_search(admin: User, printer: Any) -> None:
    hits = search(user=admin, text="printer", language="en")
    assert [h.article.title for h in hits] == ["Printer does not print"]


def test_search_runs_six_queries_and_two_more_for_misspelt_words(
    admin: User, printer: Any, django_assert_num_queries: Any
) -> None:
    settle_reference_cache()
    search(user=admin, text="warm the synonym cache")
    with django_assert_num_queries(6):
        search(user=admin, text="принтер не печатает")
    with django_assert_num_queries(8):
        search(user=admin, text="принтр не печатает")


def test_labelled_questions_find_their_article_in_the_top_three(admin: User) -> None:
    score = evaluate(admin, load_articles(admin))
    assert score.total >= 200
    assert score.top3_rate >= 0.9, score.misses


def test_rebuilding_the_index_gives_the_same_rows(admin: User, printer: Any) -> None:
    before = set(ArticleTerm.objects.values_list("article_id", "term", "weight"))
    ArticleTerm.objects.all().delete()
    assert index_rebuild() == 3
    assert set(ArticleTerm.objects.values_list("article_id", "term", "weight")) == before


def test_article_counts_per_stem_follow_edits_and_rebuilds(admin: User) -> None:
    first = article(title="Bucket", body="")
    article(title="Bucket ladder", body="")
    article_update(actor=admin, article_id=first.pk, title="Ladder")
    counts = dict(TermStat.objects.filter(articles__gt=0).values_list("term", "articles"))
    assert counts == {"bucket": 1, "ladder": 2}
    index_rebuild()
    assert dict(TermStat.objects.values_list("term", "articles")) == counts


def test_the_acknowledgement_suggests_public_articles_only(db, admin, dispatch, settings):
    from deskline.notifications.models import Outbox
    from deskline.tickets.services import ticket_create
    from tests.factories import ContactFactory
    from tests.knowledge.factories import article

    article(title="Receipt printer paper jam", body="Open the cover and pull the paper.")
    article(title="Paper jam in our VIP printer", body="Secret fix.", audience="internal")
    contact = ContactFactory(email="c@x.example", language="en")
    ticket = ticket_create(actor=admin, title="receipt printer paper jam", contact_id=contact.pk)
    dispatch()
    body = Outbox.objects.get(ticket=ticket, event="ticket_created").body
    assert "Receipt printer paper jam" in body and "/portal/help/articles/" in body
    assert "VIP" not in body
    settings.DESKLINE_KB_SUGGEST_IN_ACK = False
    other = ticket_create(actor=admin, title="receipt printer paper jam", contact_id=contact.pk)
    dispatch()
    assert "/portal/help/" not in Outbox.objects.get(ticket=other, event="ticket_created").body
