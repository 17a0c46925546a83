"""Writes of knowledge-base articles: every save is a version, the search index follows it.

Staff write articles (any staff member drafts and edits; publishing, like any state change,
is theirs too: the review queue is a convention the desk shows, not a lock). Clients and
visitors only leave feedback and deflections, on articles they may read.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from deskline.accounts.models import User
from deskline.clients.models import Company, CompanyCategory, EquipmentKind
from deskline.core.errors import ValidationFailed
from deskline.core.permissions import require_staff
from deskline.knowledge.article_selectors import article_file_for, article_get_for, version_get
from deskline.knowledge.markdown import render_markdown
from deskline.knowledge.models import (
    Article,
    ArticleAudience,
    ArticleFeedback,
    ArticleFile,
    ArticleState,
    ArticleVersion,
    Category,
    Deflection,
    SearchLog,
    Tag,
)
from deskline.knowledge.search import article_index, search, with_passages
from deskline.notifications.context import base_url
from deskline.notifications.services import message_queue
from deskline.tickets.uploads import UploadRejected, read_upload

#: Fields `article_create` and `article_update` take besides the many-to-many lists.
SIMPLE_FIELDS = ("title", "body", "category_id", "language", "translation_of_id", "audience",
                 "state", "owner_id", "review_due")  # fmt: skip


def _check(article: Article) -> None:
    try:
        article.full_clean(exclude=["body_html"])
    except ValidationError as exc:
        fields = {name: " ".join(str(m) for m in errs) for name, errs in exc.message_dict.items()}
        raise ValidationFailed("the article is not valid", fields=fields) from exc
    if article.translation_of_id and article.translation_of_id == article.pk:
        raise ValidationFailed("an article cannot translate itself",
                               fields={"translation_of_id": "itself"})  # fmt: skip


def _set_lists(article: Article, lists: dict[str, Iterable[Any] | None]) -> None:
    if lists.get("tags") is not None:
        names = {str(n).strip()[:64] for n in lists["tags"] or [] if str(n).strip()}
        tags = [Tag.objects.get_or_create(name=n)[0] for n in sorted(names)]
        article.tags.set(tags)
    for name, model in (("companies", Company), ("company_categories", CompanyCategory),
                        ("equipment_kinds", EquipmentKind), ("related", Article)):  # fmt: skip
        ids = lists.get(name)
        if ids is not None:
            ids = list(ids)
            found = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
            missing = [i for i in ids if i not in found]
            if missing:
                raise ValidationFailed(f"unknown {name}", fields={name: str(missing)})
            getattr(article, name).set(found - {article.pk})


def _save(article: Article, *, actor: User, note: str, lists: dict[str, Any]) -> Article:
    _check(article)
    article.body_html = render_markdown(article.body)
    if article.state == ArticleState.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()
    article.save()
    _set_lists(article, lists)
    if article.audience != ArticleAudience.CLIENTS:
        article.companies.clear()
        article.company_categories.clear()
    ArticleVersion.objects.create(
        article=article, number=article.version, title=article.title, body=article.body,
        state=article.state, author=actor, note=note[:300],
    )  # fmt: skip
    article_index(article)
    return article


@transaction.atomic
def article_create(*, actor: User, title: str, body: str = "", note: str = "",
                   **fields: Any) -> Article:  # fmt: skip
    """A new article (a draft unless `state` says otherwise), its version 1 and its index."""
    require_staff(actor)
    lists = {k: fields.pop(k) for k in list(fields) if k not in SIMPLE_FIELDS}
    fields.setdefault("owner_id", actor.pk)
    article = Article(title=title.strip(), body=body, **fields)
    return _save(article, actor=actor, note=note, lists=lists)


@transaction.atomic
def article_update(*, actor: User, article_id: int, note: str = "", **changes: Any) -> Article:
    """Change an article: the result is its next version."""
    require_staff(actor)
    article = article_get_for(user=actor, article_id=article_id, drafts=True)
    article = Article.objects.select_for_update().get(pk=article.pk)
    lists = {k: changes.pop(k) for k in list(changes) if k not in SIMPLE_FIELDS}
    for name, value in changes.items():
        setattr(article, name, value.strip() if name == "title" else value)
    article.version += 1
    return _save(article, actor=actor, note=note, lists=lists)


def article_set_state(*, actor: User, article_id: int, state: str) -> Article:
    """Submit for review, publish or archive (a new version recording the change)."""
    return article_update(actor=actor, article_id=article_id, state=state, note=f"state: {state}")


def article_restore(*, actor: User, article_id: int, number: int) -> Article:
    """Bring back the title and text of version `number` as the newest version."""
    require_staff(actor)
    old = version_get(user=actor, article_id=article_id, number=number)
    return article_update(actor=actor, article_id=article_id, title=old.title, body=old.body,
                          note=f"restored from version {number}")  # fmt: skip


@transaction.atomic
def article_file_add(*, actor: User, article_id: int, filename: str, content: IO[bytes],
                     size: int) -> ArticleFile:  # fmt: skip
    """An image or attachment on an article, under the same size and type limits as a ticket's
    attachments. Its Markdown (`![name](url)` for an image) is what the writer puts in the body."""
    require_staff(actor)
    article = article_get_for(user=actor, article_id=article_id, drafts=True)
    try:
        upload = read_upload(filename=filename, content=content, size=size,
                             max_bytes=settings.DESKLINE_MAX_UPLOAD_BYTES)  # fmt: skip
    except UploadRejected as exc:
        raise ValidationFailed(str(exc), fields={"file": str(exc)}) from exc
    row = ArticleFile(article=article, filename=upload.filename, size=upload.size,
                      content_type=upload.content_type, sha256=upload.sha256,
                      uploaded_by=actor)  # fmt: skip
    # A random stored name: the uploaded file name never becomes a path on our disk.
    row.file.save(uuid.uuid4().hex, ContentFile(upload.data), save=False)
    row.save()
    return row


@transaction.atomic
def article_file_delete(*, actor: User, article_id: int, file_id: int) -> None:
    require_staff(actor)
    row = article_file_for(user=actor, article_id=article_id, file_id=file_id)
    row.file.delete(save=False)
    row.delete()


def category_create(*, actor: User, name: str, parent_id: int | None = None,
                    order: int = 0) -> Category:  # fmt: skip
    require_staff(actor)
    if not name.strip():
        raise ValidationFailed("the category needs a name", fields={"name": "required"})
    if parent_id is not None and not Category.objects.filter(pk=parent_id).exists():
        raise ValidationFailed("unknown parent", fields={"parent_id": "not found"})
    return Category.objects.create(name=name.strip(), parent_id=parent_id, order=order)


def article_viewed(*, article: Article) -> None:
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)


def feedback_record(*, user: User | Any, article_id: int, helpful: bool,
                    reason: str = "") -> ArticleFeedback:  # fmt: skip
    """ "Was this helpful?": on an article the reader may see (anyone else's is not found)."""
    article = article_get_for(user=user, article_id=article_id)
    author = user if user is not None and user.is_authenticated else None
    return ArticleFeedback.objects.create(
        article=article, user=author, helpful=helpful, reason=reason.strip()[:1000]
    )


def deflection_record(*, user: User | Any, article_id: int | None, query: str = "",
                      source: str = Deflection.Source.PORTAL_FORM) -> Deflection:  # fmt: skip
    """A question an article answered without a ticket."""
    if article_id is not None:
        article_get_for(user=user, article_id=article_id)
    author = user if user is not None and user.is_authenticated else None
    return Deflection.objects.create(
        source=source, article_id=article_id, user=author, query=query.strip()[:500]
    )


def search_run(*, user: User | Any, text: str, limit: int = 10, language: str | None = None,
               source: str = "search") -> list[dict[str, Any]]:  # fmt: skip
    """Search as `user` and record the search (the report lists the ones nobody answered)."""
    hits = with_passages(search(user=user, text=text, limit=limit, language=language))
    if text.strip():
        author = user if user is not None and user.is_authenticated else None
        SearchLog.objects.create(query=text.strip().lower()[:500], results=len(hits), source=source,
                                 user=author)  # fmt: skip
    return hits


@transaction.atomic
def review_reminders_send(*, today: dt.date | None = None) -> int:
    """Mail each owner the published articles whose review date has come, once per date.

    Each article is claimed by a compare-and-set on `review_reminded_for`, so two runs of the
    job never remind twice. Returns the number of articles reminded of.
    """
    today = today or timezone.localdate()
    due = (
        Article.objects.filter(state=ArticleState.PUBLISHED, review_due__lte=today,
                               owner__isnull=False, owner__is_active=True)
        .exclude(owner__email="")
        .exclude(review_reminded_for=F("review_due"))
        .select_related("owner")
        .order_by("review_due", "id")
    )  # fmt: skip
    by_owner: dict[User, list[Article]] = {}
    for article in due:
        claimed = (
            Article.objects.filter(pk=article.pk)
            .exclude(review_reminded_for=F("review_due"))
            .update(review_reminded_for=F("review_due"))
        )
        if claimed and article.owner is not None:
            by_owner.setdefault(article.owner, []).append(article)
    for owner, rows in by_owner.items():
        lines = [f"- {a.title} ({a.review_due}): {base_url()}/kb/{a.pk}/edit/" for a in rows]
        message_queue(
            event="kb_review_due", recipient=owner.email,
            subject=_("Knowledge-base articles due for review: %(n)s") % {"n": len(rows)},
            body="\n".join([_("These articles you own are due for review:"), *lines]),
        )  # fmt: skip
    return sum(len(rows) for rows in by_owner.values())
