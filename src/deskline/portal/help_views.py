"""The portal's help centre (/portal/help/): categories, search, articles, feedback, and the
suggestions shown beside the new-ticket form with their "this solved it" deflection.

Every page reads through `article_selectors.articles_for`: a visitor who is not signed in sees
public articles only, and only when `DESKLINE_KB_PUBLIC` allows; staff are sent to the desk's
knowledge pages. Views only adapt: the selectors and services decide.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_POST

from deskline.core.errors import NotFound
from deskline.core.permissions import is_staff
from deskline.desk.web import View, client_page
from deskline.knowledge import article_selectors as selectors
from deskline.knowledge import article_services as services
from deskline.knowledge.models import Deflection

SUGGESTIONS = 5


def reader_page(view: View) -> View:
    """A help-centre page: clients, and visitors when public reading is allowed."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated and not settings.DESKLINE_KB_PUBLIC:
            return HttpResponseRedirect(f"/portal/login/?next={request.path}")
        if user.is_authenticated and is_staff(user):
            return HttpResponseRedirect("/kb/")
        return view(request, *args, **kwargs)

    return wrapper


@reader_page
def help_home(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:500]
    hits = services.search_run(user=request.user, text=text, limit=20) if text else []
    categories = [
        c for c in selectors.categories_for(user=request.user) if getattr(c, "article_count", 0)
    ]
    return render(request, "portal/help/home.html",
                  {"q": text, "hits": hits, "categories": categories})  # fmt: skip


@reader_page
def help_category(request: HttpRequest, category_id: int) -> HttpResponse:
    categories = {c.pk: c for c in selectors.categories_for(user=request.user)}
    if category_id not in categories:
        raise Http404
    rows = selectors.article_list_for(user=request.user, category_id=category_id)
    return render(request, "portal/help/category.html",
                  {"category": categories[category_id], "articles": rows})  # fmt: skip


@reader_page
def help_article(request: HttpRequest, article_id: int) -> HttpResponse:
    try:
        article = selectors.article_get_for(user=request.user, article_id=article_id)
    except NotFound as exc:
        raise Http404 from exc
    services.article_viewed(article=article)
    context = {
        "article": article,
        "attachments": [f for f in article.files.all() if not f.is_image],
        "translations": selectors.translations_of(user=request.user, article=article),
        "related": selectors.related_for(user=request.user, article=article),
    }
    return render(request, "portal/help/article.html", context)


def help_article_file(request: HttpRequest, article_id: int, file_id: int) -> FileResponse:
    """An article's image (shown inline) or attachment (downloaded), to whoever may read the
    article: clients and visitors its audience's published ones, staff every one (the desk's
    preview shows a draft's images from here too)."""
    try:
        row = selectors.article_file_for(user=request.user, article_id=article_id, file_id=file_id)
    except NotFound as exc:
        raise Http404 from exc
    response = FileResponse(row.file.open("rb"), as_attachment=not row.is_image,
                            filename=row.filename, content_type=row.content_type)  # fmt: skip
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
@reader_page
def help_feedback(request: HttpRequest, article_id: int) -> HttpResponse:
    try:
        services.feedback_record(
            user=request.user, article_id=article_id, helpful=request.POST.get("helpful") == "yes",
            reason=request.POST.get("reason", ""),
        )  # fmt: skip
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "portal/help/_thanks.html", {"article_id": article_id})


@client_page
def ticket_suggestions(request: HttpRequest) -> HttpResponse:
    """Articles answering the subject a client is typing (htmx, beside the new-ticket form)."""
    text = request.GET.get("title", "").strip()[:300]
    hits = (
        services.search_run(user=request.user, text=text, limit=SUGGESTIONS, source="suggest")
        if len(text) >= 3
        else []
    )
    return render(request, "portal/help/_suggestions.html", {"hits": hits, "q": text})


@require_POST
@client_page
def ticket_deflected(request: HttpRequest) -> HttpResponse:
    """'This solved it': the question is answered, no ticket is created."""
    try:
        services.deflection_record(
            user=request.user, article_id=int(request.POST.get("article_id", "0") or 0),
            query=request.POST.get("query", ""), source=Deflection.Source.PORTAL_FORM,
        )  # fmt: skip
    except (NotFound, ValueError) as exc:
        raise Http404 from exc
    return render(request, "portal/help/_deflected.html")
