"""Zammad REST API objects to migration records: states, priorities, articles (pure).

Shapes as Zammad's API documentation gives them (api/intro.rst, api/ticket/index.rst,
api/ticket/articles.rst): a ticket fetched with `expand=true` names its `state` ("new",
"open", "pending reminder", "pending close", "closed", "merged", "removed" by default),
`priority` ("1 low", "2 normal", "3 high"), `group`, `owner` and `customer` (logins); its
`number` is text ("22001"), `close_at` the closing time. Articles carry `sender` (Customer,
Agent, System), `type` (email, note, phone, web, …), `internal`, `content_type` (text/html or
text/plain), `from`, `created_by` and their `attachments` ({id, filename, size, preferences}).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from deskline.operations.migration.helpdesk_map import when
from deskline.operations.migration.osticket_map import number_of
from deskline.operations.migration.records import (
    SourceComment,
    SourceFile,
    SourcePerson,
    SourceTicket,
    closing_dates,
)

Obj = Mapping[str, Any]
FileReader = Callable[[int, int, int], Callable[[], bytes]]


def phase_for(state: str) -> str:
    name = (state or "").strip().lower()
    if name == "new":
        return "new"
    if name.startswith("pending"):
        return "waiting"
    if name in ("closed", "merged", "removed") or "close" in name:
        return "closed"
    return "open"


def priority_for(name: str) -> str:
    """ "1 low" → low, "2 normal" → normal, "3 high" → high; other names by their words."""
    text = (name or "").strip().lower()
    by_digit = {"1": "low", "2": "normal", "3": "high", "4": "critical", "5": "critical"}
    if text[:1] in by_digit and (len(text) == 1 or text[1] == " "):
        return by_digit[text[:1]]
    for word, code in (("urgent", "critical"), ("critical", "critical"), ("high", "high"),
                       ("low", "low")):  # fmt: skip
        if word in text:
            return code
    return "normal"


def person(user: Obj | None, organization: str = "") -> SourcePerson | None:
    if not user or int(user.get("id") or 0) == 1:  # user 1 is Zammad's "-" (nobody)
        return None
    name = " ".join(p for p in (user.get("firstname") or "", user.get("lastname") or "") if p)
    return SourcePerson(external_id=str(user["id"]), email=user.get("email") or "",
                        name=name or str(user.get("login") or ""), company=organization,
                        phone=user.get("phone") or "")  # fmt: skip


def _is_inline(attachment: Obj) -> bool:
    prefs = attachment.get("preferences") or {}
    return str(prefs.get("Content-Disposition") or "").startswith("inline") or bool(
        prefs.get("Content-ID")
    )


def article_files(ticket_id: int, article: Obj, reader: FileReader) -> tuple[SourceFile, ...]:
    return tuple(
        SourceFile(external_id=str(a["id"]), filename=a.get("filename") or "file",
                   read=reader(ticket_id, int(article["id"]), int(a["id"])), size=a.get("size"))
        for a in article.get("attachments") or () if not _is_inline(a)
    )  # fmt: skip


def article_comment(ticket_id: int, article: Obj, reader: FileReader) -> SourceComment:
    sender = str(article.get("sender") or "")
    author = None
    if sender == "Agent":
        login = str(article.get("created_by") or "")
        author = SourcePerson(external_id=str(article.get("created_by_id") or ""),
                              email=login if "@" in login else "",
                              name=str(article.get("from") or login))  # fmt: skip
    return SourceComment(
        external_id=str(article["id"]), body=article.get("body") or "",
        is_html=(article.get("content_type") or "text/html") == "text/html",
        is_public=not article.get("internal"), created_at=when(article["created_at"]),
        author=author, by_requester=sender == "Customer",
        message_id=str(article.get("message_id") or ""),
        files=article_files(ticket_id, article, reader),
    )  # fmt: skip


def ticket_record(
    ticket: Obj, *, articles: Sequence[Obj], customer: SourcePerson | None,
    owner: SourcePerson | None, reader: FileReader,
) -> SourceTicket:  # fmt: skip
    """One ticket (fetched with expand=true) and its articles (oldest first), as a record."""
    tid = int(ticket["id"])
    first = articles[0] if articles else None
    state = str(ticket.get("state") or "open")
    phase = phase_for(state)
    updated = when(ticket.get("updated_at") or ticket["created_at"])
    closed = when(ticket["close_at"]) if ticket.get("close_at") else None
    resolved_at, closed_at = closing_dates(phase, updated_at=updated, resolved_at=closed,
                                           closed_at=closed)  # fmt: skip
    number, original = number_of(ticket.get("number"))
    warnings = [f"state {state!r}: imported as closed"] if state.lower() == "removed" else []
    return SourceTicket(
        external_id=str(tid), number=number, original_number=original,
        title=str(ticket.get("title") or ""), description=(first or {}).get("body") or "",
        description_is_html=((first or {}).get("content_type") or "text/html") == "text/html",
        phase=phase, status_name=state, priority=priority_for(str(ticket.get("priority") or "")),
        created_at=when(ticket["created_at"]), updated_at=updated, resolved_at=resolved_at,
        closed_at=closed_at, group=str(ticket.get("group") or ""), requester=customer,
        assignee=owner,
        comments=tuple(article_comment(tid, a, reader) for a in articles[1:]),
        files=article_files(tid, first, reader) if first else (), warnings=tuple(warnings),
    )  # fmt: skip
