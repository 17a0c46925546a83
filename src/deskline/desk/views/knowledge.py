"""The desk's knowledge pages (/kb/): article list, editor with a live preview, review queue,
versions with diff and restore, and the articles suggested on a ticket page. Staff only."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.views.decorators.http import require_POST

from deskline.accounts.models import User
from deskline.core.errors import DomainError, NotFound, PermissionDenied
from deskline.desk.web import field_errors, staff_page
from deskline.knowledge import article_selectors as selectors
from deskline.knowledge import article_services as services
from deskline.knowledge.forms import ArticleForm
from deskline.knowledge.markdown import markdown_to_text, render_markdown
from deskline.knowledge.models import ArticleState
from deskline.knowledge.report import knowledge_report
from deskline.notifications.context import base_url
from deskline.tickets.selectors import ticket_detail_for
from deskline.triage.answers import answers_for_text

SUGGESTIONS = 5


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@staff_page
def article_list(request: HttpRequest) -> HttpResponse:
    """The article list; with `q`, one search over published articles and the resolved tickets
    the agent may see (with the reply that resolved each)."""
    user = _user(request)
    state = request.GET.get("state", "")
    text = request.GET.get("q", "").strip()[:500]
    rows = selectors.article_list_for(user=user, drafts=True, state=state or None, limit=500)
    hits = services.search_run(user=user, text=text, limit=10, source="desk") if text else []
    resolved = answers_for_text(user=user, text=text, limit=5) if text else []
    return render(request, "desk/kb/list.html", {
        "articles": rows, "state": state, "states": ArticleState.choices, "nav": "kb", "q": text,
        "hits": hits, "resolved": resolved,
    })  # fmt: skip


def _editor(request: HttpRequest, article_id: int | None) -> HttpResponse:
    user = _user(request)
    article = None
    if article_id is not None:
        try:
            article = selectors.article_get_for(user=user, article_id=article_id, drafts=True)
        except NotFound as exc:
            raise Http404 from exc
    initial: dict[str, Any] = (
        ArticleForm.initial_for(article) if article else {"state": ArticleState.DRAFT}
    )
    number = request.GET.get("ticket", "")
    if article is None and number.isdigit() and len(number) < 19:
        try:
            initial.update(selectors.article_draft_from_ticket(user=user, number=int(number)))
        except NotFound as exc:
            raise Http404 from exc
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if article is None:
                article = services.article_create(actor=user, **form.service_fields())
            else:
                article = services.article_update(
                    actor=user, article_id=article.pk, **form.service_fields()
                )
        except DomainError as exc:
            form.add_error(None, field_errors(exc.fields) or exc.message)
        else:
            return HttpResponseRedirect(f"/kb/{article.pk}/edit/?saved=1")
    preview = render_markdown(form["body"].value() or "")
    files = list(article.files.all()) if article else []
    return render(request, "desk/kb/edit.html", {
        "form": form, "article": article, "preview": preview, "nav": "kb", "files": files,
        "file_error": request.GET.get("file_error", "")[:300],
    })  # fmt: skip


@staff_page
def article_new(request: HttpRequest) -> HttpResponse:
    return _editor(request, None)


@staff_page
def article_edit(request: HttpRequest, article_id: int) -> HttpResponse:
    return _editor(request, article_id)


@require_POST
@staff_page
def article_file_upload(request: HttpRequest, article_id: int) -> HttpResponse:
    """Upload images and attachments to an article; back to its editor."""
    errors = []
    for upload in request.FILES.getlist("files"):
        try:
            services.article_file_add(actor=_user(request), article_id=article_id,
                                      filename=upload.name or "file", content=upload,
                                      size=upload.size or 0)  # fmt: skip
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            errors.append(f"{upload.name}: {exc.message}")
    query = f"?{urlencode({'file_error': '; '.join(errors)})}" if errors else ""
    return HttpResponseRedirect(f"/kb/{article_id}/edit/{query}")


@require_POST
@staff_page
def article_file_delete(request: HttpRequest, article_id: int, file_id: int) -> HttpResponse:
    try:
        services.article_file_delete(actor=_user(request), article_id=article_id, file_id=file_id)
    except NotFound as exc:
        raise Http404 from exc
    return HttpResponseRedirect(f"/kb/{article_id}/edit/")


@require_POST
@staff_page
def article_preview(request: HttpRequest) -> HttpResponse:
    """The editor's live preview (htmx): the Markdown as the article page will show it."""
    return HttpResponse(render_markdown(request.POST.get("body", "")))


@staff_page
def review_queue(request: HttpRequest) -> HttpResponse:
    rows = selectors.review_queue_for(user=_user(request))
    return render(request, "desk/kb/review.html", {"articles": rows, "nav": "kb"})


@staff_page
def article_versions(request: HttpRequest, article_id: int) -> HttpResponse:
    user = _user(request)
    try:
        article = selectors.article_get_for(user=user, article_id=article_id, drafts=True)
        versions = selectors.versions_of(user=user, article_id=article_id)
        diff: list[str] = []
        old, new = request.GET.get("old"), request.GET.get("new")
        if old and new and old.isdigit() and new.isdigit():
            diff = selectors.version_diff(user=user, article_id=article_id, old=int(old),
                                          new=int(new))  # fmt: skip
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "desk/kb/versions.html", {
        "article": article, "versions": versions, "diff": diff, "old": old, "new": new,
        "nav": "kb",
    })  # fmt: skip


@require_POST
@staff_page
def article_restore(request: HttpRequest, article_id: int, number: int) -> HttpResponse:
    try:
        services.article_restore(actor=_user(request), article_id=article_id, number=number)
    except NotFound as exc:
        raise Http404 from exc
    return HttpResponseRedirect(f"/kb/{article_id}/versions/")


@staff_page
def ticket_suggestions(request: HttpRequest, number: int) -> HttpResponse:
    """Articles for the ticket's subject (htmx, on the desk's ticket page)."""
    user = _user(request)
    try:
        ticket = ticket_detail_for(user=user, number=number, registry=False)
    except NotFound as exc:
        raise Http404 from exc
    hits = services.search_run(user=user, text=ticket.title, limit=SUGGESTIONS, source="ticket")
    category_id = ticket.company.category_id if ticket.company else None
    sendable = set(
        selectors.articles_for_company(company_id=ticket.company_id, category_id=category_id)
        .filter(pk__in=[h["id"] for h in hits])
        .values_list("pk", flat=True)
    )
    return render(request, "desk/kb/_ticket_suggestions.html",
                  {"hits": hits, "number": number, "sendable": sendable})  # fmt: skip


@staff_page
def report(request: HttpRequest) -> HttpResponse:
    try:
        data = knowledge_report(user=_user(request))
    except PermissionDenied:
        return HttpResponseForbidden()
    return render(request, "desk/kb/report.html", {"report": data, "nav": "kb"})


@require_POST
@staff_page
def reply_insert_article(request: HttpRequest, number: int) -> HttpResponse:
    """The reply box with an article appended to the draft: its link, or its text (htmx)."""
    draft = request.POST.get("body", "")
    article_id = request.POST.get("article_id", "")
    if not article_id.isdigit() or len(article_id) > 18:
        raise Http404
    try:
        row = selectors.article_for_reply(user=_user(request), number=number,
                                          article_id=int(article_id))  # fmt: skip
    except NotFound as exc:
        raise Http404 from exc
    if request.POST.get("mode") == "text":
        text = f"{row.title}\n\n{markdown_to_text(row.body)}"
    else:
        text = f"{row.title}: {base_url()}/portal/help/articles/{row.pk}/"
    body = f"{draft.rstrip()}\n\n{text}" if draft.strip() else text
    return render(request, "desk/_reply_body.html", {"reply_body": body})
