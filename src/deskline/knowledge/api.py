"""REST endpoints of the knowledge base under /api/v1/kb/: articles, categories, search, feedback.

Every read goes through `article_selectors.articles_for`, so a client's token sees exactly the
articles of its audience (an internal or another company's article is "not found"); writing,
versions, diffs and restores are for staff.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from deskline.accounts.api_auth import request_user
from deskline.core.permissions import is_staff
from deskline.core.schema import InSchema
from deskline.knowledge import article_selectors as selectors
from deskline.knowledge import article_services as services
from deskline.knowledge.models import Article, ArticleFile
from deskline.knowledge.report import knowledge_report

router = Router(tags=["knowledge"])


class TagsMixin(Schema):
    @staticmethod
    def resolve_tags(obj: Article) -> list[str]:
        return [t.name for t in obj.tags.all()]


class ArticleRow(TagsMixin):
    id: int
    title: str
    language: str
    audience: str
    state: str
    category_id: int | None
    tags: list[str]
    version: int
    updated_at: dt.datetime


class FileOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    is_image: bool
    #: The address readers use (and the article's Markdown links to).
    url: str
    download: str

    @staticmethod
    def resolve_download(obj: ArticleFile) -> str:
        return f"/api/v1/kb/articles/{obj.article_id}/files/{obj.pk}"


class ArticleOut(ArticleRow):
    body: str
    body_html: str
    translation_of_id: int | None
    owner_id: int | None
    review_due: dt.date | None
    published_at: dt.datetime | None
    files: list[FileOut]

    @staticmethod
    def resolve_files(obj: Article) -> list[ArticleFile]:
        return list(obj.files.all())


class ArticlePage(Schema):
    items: list[ArticleRow]


class ArticleQuery(InSchema):
    category_id: int | None = None
    state: str | None = None
    language: str | None = None
    drafts: bool = False
    limit: int = Field(50, ge=1, le=100)


class ArticleIn(InSchema):
    title: str = Field(..., min_length=1, max_length=300)
    body: str = ""
    category_id: int | None = None
    language: str = "ru"
    translation_of_id: int | None = None
    audience: str = "internal"
    state: str = "draft"
    review_due: dt.date | None = None
    tags: list[str] = []
    companies: list[int] = []
    company_categories: list[int] = []
    equipment_kinds: list[int] = []
    related: list[int] = []
    note: str = ""


class ArticlePatch(InSchema):
    title: str | None = Field(None, min_length=1, max_length=300)
    body: str | None = None
    category_id: int | None = None
    language: str | None = None
    translation_of_id: int | None = None
    audience: str | None = None
    state: str | None = None
    owner_id: int | None = None
    review_due: dt.date | None = None
    tags: list[str] | None = None
    companies: list[int] | None = None
    company_categories: list[int] | None = None
    equipment_kinds: list[int] | None = None
    related: list[int] | None = None
    note: str = ""


@router.get("/articles", response=ArticlePage, summary="Articles the caller may read")
def article_list(request: HttpRequest, query: Query[ArticleQuery]) -> dict[str, Any]:
    """Staff may ask for `drafts` (every state); for clients it changes nothing."""
    rows = selectors.article_list_for(
        user=request_user(request), drafts=query.drafts, category_id=query.category_id,
        state=query.state, language=query.language, limit=query.limit,
    )  # fmt: skip
    return {"items": rows}


@router.get("/articles/{article_id}", response=ArticleOut, summary="One article")
def article_get(request: HttpRequest, article_id: int) -> Article:
    user = request_user(request)
    return selectors.article_get_for(user=user, article_id=article_id, drafts=is_staff(user))


@router.post("/articles", response={201: ArticleOut}, summary="Write an article (staff)")
def article_create(request: HttpRequest, payload: ArticleIn) -> Status[Any]:
    row = services.article_create(actor=request_user(request), **payload.model_dump())
    return Status(201, row)


@router.patch("/articles/{article_id}", response=ArticleOut, summary="Change an article (staff)")
def article_update(request: HttpRequest, article_id: int, payload: ArticlePatch) -> Article:
    changes = payload.model_dump(exclude_unset=True)
    return services.article_update(actor=request_user(request), article_id=article_id, **changes)


@router.post("/articles/{article_id}/files", response={201: FileOut},
             summary="Upload an image or attachment (staff)")  # fmt: skip
def file_upload(request: HttpRequest, article_id: int, file: File[UploadedFile]) -> Status[Any]:
    row = services.article_file_add(actor=request_user(request), article_id=article_id,
                                    filename=file.name or "file", content=file,
                                    size=file.size or 0)  # fmt: skip
    return Status(201, row)


@router.get("/articles/{article_id}/files/{file_id}", summary="Download an article's file")
def file_download(request: HttpRequest, article_id: int, file_id: int) -> FileResponse:
    row = selectors.article_file_for(user=request_user(request), article_id=article_id,
                                     file_id=file_id)  # fmt: skip
    response = FileResponse(row.file.open("rb"), as_attachment=True, filename=row.filename,
                            content_type=row.content_type)  # fmt: skip
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@router.delete("/articles/{article_id}/files/{file_id}", response={204: None},
               summary="Delete an article's file (staff)")  # fmt: skip
def file_delete(request: HttpRequest, article_id: int, file_id: int) -> Status[None]:
    services.article_file_delete(actor=request_user(request), article_id=article_id,
                                 file_id=file_id)  # fmt: skip
    return Status(204, None)


class VersionOut(Schema):
    number: int
    title: str
    state: str
    author_id: int | None
    note: str
    created_at: dt.datetime


@router.get("/articles/{article_id}/versions", response=list[VersionOut], summary="History")
def version_list(request: HttpRequest, article_id: int) -> list[Any]:
    return selectors.versions_of(user=request_user(request), article_id=article_id)


class DiffQuery(InSchema):
    old: int = Field(..., ge=1)
    new: int = Field(..., ge=1)


class DiffOut(Schema):
    lines: list[str]


@router.get("/articles/{article_id}/diff", response=DiffOut, summary="Diff of two versions")
def version_diff(request: HttpRequest, article_id: int, query: Query[DiffQuery]) -> dict[str, Any]:
    lines = selectors.version_diff(
        user=request_user(request), article_id=article_id, old=query.old, new=query.new
    )
    return {"lines": lines}


class RestoreIn(InSchema):
    number: int = Field(..., ge=1)


@router.post("/articles/{article_id}/restore", response=ArticleOut, summary="Restore a version")
def version_restore(request: HttpRequest, article_id: int, payload: RestoreIn) -> Article:
    return services.article_restore(
        actor=request_user(request), article_id=article_id, number=payload.number
    )


class CategoryOut(Schema):
    id: int
    name: str
    parent_id: int | None
    article_count: int


@router.get("/categories", response=list[CategoryOut], summary="The category tree")
def category_list(request: HttpRequest) -> list[Any]:
    """Every category with the number of articles the caller may read in it."""
    return selectors.categories_for(user=request_user(request))


class SearchQuery(InSchema):
    q: str = Field(..., min_length=1, max_length=500)
    language: str | None = None
    limit: int = Field(10, ge=1, le=50)


class HitOut(Schema):
    id: int
    title: str
    language: str
    score: float
    passage: str


class SearchOut(Schema):
    items: list[HitOut]


@router.get("/search", response=SearchOut, summary="Search the articles the caller may read")
def search(request: HttpRequest, query: Query[SearchQuery]) -> dict[str, Any]:
    hits = services.search_run(
        user=request_user(request), text=query.q, limit=query.limit, language=query.language
    )
    return {"items": hits}


class FeedbackIn(InSchema):
    helpful: bool
    reason: str = Field("", max_length=1000)


@router.post("/articles/{article_id}/feedback", response={204: None}, summary="Was it helpful?")
def feedback(request: HttpRequest, article_id: int, payload: FeedbackIn) -> Status[None]:
    services.feedback_record(
        user=request_user(request), article_id=article_id, helpful=payload.helpful,
        reason=payload.reason,
    )  # fmt: skip
    return Status(204, None)


class DeflectionIn(InSchema):
    article_id: int
    query: str = Field("", max_length=500)


@router.post("/deflections", response={204: None}, summary="An article answered: no ticket")
def deflection(request: HttpRequest, payload: DeflectionIn) -> Status[None]:
    services.deflection_record(
        user=request_user(request), article_id=payload.article_id, query=payload.query
    )
    return Status(204, None)


class ReportQuery(InSchema):
    weeks: int = Field(8, ge=1, le=53)


class ReportOut(Schema):
    since: dt.date
    no_result: list[dict[str, Any]]
    most_viewed: list[dict[str, Any]]
    most_helpful: list[dict[str, Any]]
    led_to_tickets: list[dict[str, Any]]
    weekly: list[dict[str, Any]]


@router.get("/report", response=ReportOut, summary="The knowledge report (report readers)")
def report(request: HttpRequest, query: Query[ReportQuery]) -> dict[str, Any]:
    return knowledge_report(user=request_user(request), weeks=query.weeks)
