"""Reads of knowledge-base articles. `articles_for` is the one audience rule every route uses.

Staff (agents, dispatchers, contractors, admins) read every article, drafts included when they
ask for them; a client contact reads published articles that are public or meant for its
company or its company's category; an anonymous visitor reads published public articles only
when the installation allows it (`DESKLINE_KB_PUBLIC`). Internal articles are never in a
client's or a visitor's queryset, so no page, API answer, search hit, suggestion or bot reply
built on it can show one. An article outside the reader's scope is "not found".
"""

from __future__ import annotations

import difflib
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from deskline.accounts.models import User
from deskline.clients.models import Contact
from deskline.core.errors import NotFound
from deskline.core.permissions import is_staff, require_staff
from deskline.knowledge.models import (
    Article,
    ArticleAudience,
    ArticleFile,
    ArticleState,
    ArticleVersion,
    Category,
)


def _client_company(user: User) -> tuple[int | None, int | None]:
    row = (
        Contact.objects.filter(user_id=user.pk, is_active=True)
        .values_list("company_id", "company__category_id")
        .first()
    )
    return (row[0], row[1]) if row else (None, None)


def is_staff_user(user: User | Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and is_staff(user))


def articles_for(user: User | Any, *, drafts: bool = False) -> QuerySet[Article]:
    """The articles `user` (a User, an AnonymousUser or None) may read.

    `drafts` lets staff see every state (the desk's lists and editor); for anyone else it is
    ignored: clients and visitors only ever see published articles.
    """
    rows = Article.objects.all()
    if is_staff_user(user):
        return rows if drafts else rows.filter(state=ArticleState.PUBLISHED)
    published = rows.filter(state=ArticleState.PUBLISHED)
    if user is None or not user.is_authenticated:
        if not settings.DESKLINE_KB_PUBLIC:
            return rows.none()
        return published.filter(audience=ArticleAudience.PUBLIC)
    if not user.is_active:
        return rows.none()
    company_id, category_id = _client_company(user)
    return articles_for_company(company_id=company_id, category_id=category_id)


def articles_for_company(*, company_id: int | None, category_id: int | None) -> QuerySet[Article]:
    """The published articles a client of that company (and company category) may read: what
    an agent may send into a reply on one of its tickets."""
    published = Article.objects.filter(state=ArticleState.PUBLISHED)
    # The client's own rows come from the small link tables, so the condition stays a pair of
    # short id lists however many articles there are (no join that repeats articles).
    scope = Q(audience=ArticleAudience.PUBLIC)
    if company_id is not None:
        mine = Article.companies.through.objects.filter(company_id=company_id)
        scope |= Q(audience=ArticleAudience.CLIENTS, pk__in=mine.values("article_id"))
    if category_id is not None:
        kind = Article.company_categories.through.objects.filter(companycategory_id=category_id)
        scope |= Q(audience=ArticleAudience.CLIENTS, pk__in=kind.values("article_id"))
    return published.filter(scope)


def article_get_for(*, user: User | Any, article_id: int, drafts: bool = False) -> Article:
    row = (
        articles_for(user, drafts=drafts)
        .select_related("category", "owner", "translation_of")
        .prefetch_related("tags")
        .filter(pk=article_id)
        .first()
    )
    if row is None:
        raise NotFound(f"article {article_id} not found")
    return row


def article_file_for(*, user: User | Any, article_id: int, file_id: int) -> ArticleFile:
    """A file of an article `user` may read (staff: drafts too); anyone else's is not found, so
    an internal article's images and attachments never open for a client or a visitor."""
    article = article_get_for(user=user, article_id=article_id, drafts=is_staff_user(user))
    row = ArticleFile.objects.filter(pk=file_id, article=article).first()
    if row is None:
        raise NotFound(f"file {file_id} of article {article_id} not found")
    return row


def article_list_for(
    *,
    user: User | Any,
    drafts: bool = False,
    category_id: int | None = None,
    state: str | None = None,
    language: str | None = None,
    limit: int = 100,
) -> list[Article]:
    rows = articles_for(user, drafts=drafts).select_related("category", "owner")
    if category_id is not None:
        rows = rows.filter(category_id=category_id)
    if state:
        rows = rows.filter(state=state)
    if language:
        rows = rows.filter(language=language)
    return list(rows.prefetch_related("tags").order_by("title", "id")[:limit])


def translations_of(*, user: User | Any, article: Article) -> list[Article]:
    """The other language versions of `article` that `user` may read."""
    root = article.translation_of_id or article.pk
    rows = articles_for(user).filter(Q(pk=root) | Q(translation_of_id=root)).exclude(pk=article.pk)
    return list(rows.only("id", "title", "language"))


def related_for(*, user: User | Any, article: Article, limit: int = 5) -> list[Article]:
    """Linked articles first, then others of its category, all within `user`'s scope."""
    visible = articles_for(user).exclude(pk=article.pk)
    linked = list(visible.filter(pk__in=article.related.values("pk")).only("id", "title")[:limit])
    if len(linked) < limit and article.category_id:
        more = visible.filter(category_id=article.category_id).exclude(
            pk__in=[a.pk for a in linked]
        )
        linked += list(more.only("id", "title")[: limit - len(linked)])
    return linked


def categories_for(*, user: User | Any) -> list[Category]:
    """Every category with the number of articles `user` may read in it."""
    visible = articles_for(user).values("pk")
    return list(
        Category.objects.annotate(
            article_count=Count("articles", filter=Q(articles__in=visible), distinct=True)
        ).order_by("order", "name", "id")
    )


def review_queue_for(*, user: User) -> list[Article]:
    """Articles waiting for review, then published ones past their review date."""
    require_staff(user)
    today = timezone.localdate()
    rows = articles_for(user, drafts=True).filter(
        Q(state=ArticleState.IN_REVIEW) | Q(state=ArticleState.PUBLISHED, review_due__lte=today)
    )
    return list(rows.select_related("owner").order_by("review_due", "id"))


def versions_of(*, user: User, article_id: int) -> list[ArticleVersion]:
    require_staff(user)  # old versions may hold text that never was published
    article = article_get_for(user=user, article_id=article_id, drafts=True)
    return list(article.versions.select_related("author"))


def version_get(*, user: User, article_id: int, number: int) -> ArticleVersion:
    require_staff(user)
    article = article_get_for(user=user, article_id=article_id, drafts=True)
    row = article.versions.filter(number=number).first()
    if row is None:
        raise NotFound(f"version {number} of article {article_id} not found")
    return row


def version_diff(*, user: User, article_id: int, old: int, new: int) -> list[str]:
    """A unified diff (title and body) from version `old` to version `new`."""
    before = version_get(user=user, article_id=article_id, number=old)
    after = version_get(user=user, article_id=article_id, number=new)
    a = [before.title, "", *before.body.splitlines()]
    b = [after.title, "", *after.body.splitlines()]
    return list(difflib.unified_diff(a, b, f"v{old}", f"v{new}", lineterm=""))


def article_draft_from_ticket(*, user: User, number: int) -> dict[str, str]:
    """A draft's title and Markdown body from a ticket: its question and the last public answer
    staff gave ("create article from this ticket"). The ticket must be one `user` may see."""
    from deskline.core.html import html_to_text
    from deskline.tickets.models import Comment
    from deskline.tickets.selectors import ticket_detail_for

    require_staff(user)
    ticket = ticket_detail_for(user=user, number=number, registry=False)
    answer = (
        Comment.objects.filter(ticket=ticket, is_public=True, author__isnull=False)
        .exclude(author__role="contact")
        .order_by("-id")
        .values_list("body", flat=True)
        .first()
    )
    parts = [_("## Question"), html_to_text(ticket.description) or ticket.title]
    if answer:
        parts += [_("## Answer"), html_to_text(answer)]
    return {"title": ticket.title, "body": "\n\n".join(parts)}


def article_for_reply(*, user: User, number: int, article_id: int) -> Article:
    """An article `user` may put into a reply on ticket `number`: one the ticket's client may
    read, so a link in the reply opens for them and no internal text reaches them."""
    from deskline.tickets.selectors import ticket_detail_for

    require_staff(user)
    ticket = ticket_detail_for(user=user, number=number, registry=False)
    category_id = ticket.company.category_id if ticket.company else None
    rows = articles_for_company(company_id=ticket.company_id, category_id=category_id)
    row = rows.filter(pk=article_id).first()
    if row is None:
        raise NotFound(f"article {article_id} cannot go into this ticket's reply")
    return row
