"""Template variables for a ticket notification: ticket, contact, deadlines, links."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import timezone

from deskline.tickets.models import Ticket

#: Other apps add to a notification's context by event kind (e.g. feedback: the survey links of
#: the resolution mail), so notifications never imports them.
ContextProvider = Callable[[Ticket, str], dict[str, Any]]
_providers: dict[str, list[ContextProvider]] = {}


def context_provider(event: str) -> Callable[[ContextProvider], ContextProvider]:
    """Register `fn(ticket, language) -> extra context` for notifications of `event`."""

    def register(fn: ContextProvider) -> ContextProvider:
        if fn not in _providers.setdefault(event, []):
            _providers[event].append(fn)
        return fn

    return register


def provided_context(event: str, ticket: Ticket, language: str) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for fn in _providers.get(event, []):
        extra |= fn(ticket, language)
    return extra


def base_url() -> str:
    return str(getattr(settings, "DESKLINE_BASE_URL", "") or "http://127.0.0.1:8000").rstrip("/")


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M %Z") if value else ""


def ticket_context(ticket: Ticket | None, *, language: str = "en", **extra: Any) -> dict[str, Any]:
    base = base_url()
    context: dict[str, Any] = {
        "site_name": getattr(settings, "DESKLINE_SITE_NAME", "Deskline"),
        "portal_url": f"{base}/portal/",
    }
    if ticket is not None:
        number = ticket.number
        context |= {
            "ticket": ticket,
            "contact_name": ticket.contact.name if ticket.contact else "",
            # The status in the reader's language (a Russian mail said "Статус: Closed").
            "status_name": (ticket.status.name_ru if language == "ru" else "")
            or ticket.status.name,
            "reaction_due": _when(ticket.reaction_due),
            "resolution_due": _when(ticket.resolution_due),
            "ticket_url": f"{base}/portal/tickets/{number}/",
            "desk_url": f"{base}/tickets/{number}/",
            "rate_url": f"{base}/portal/tickets/{number}/#rate",
        }
    return context | extra


def sample_context() -> dict[str, Any]:
    """Values for previewing a template without a real ticket."""

    class _Status:
        name = "In progress"

    class _Ticket:
        number = 1234
        title = "The printer on the 2nd floor does not print"
        status = _Status()

    base = base_url()
    return {
        "site_name": getattr(settings, "DESKLINE_SITE_NAME", "Deskline"),
        "portal_url": f"{base}/portal/",
        "ticket": _Ticket(),
        "contact_name": "Anna Petrova",
        "status_name": "In progress",
        "reaction_due": "2026-01-15 11:00 UTC",
        "resolution_due": "2026-01-16 18:00 UTC",
        "ticket_url": f"{base}/portal/tickets/1234/",
        "desk_url": f"{base}/tickets/1234/",
        "rate_url": f"{base}/portal/tickets/1234/#rate",
        "survey_urls": [(score, f"{base}/feedback/s/sample/{score}/") for score in range(1, 6)],
        "survey_question": "How satisfied are you with the solution?",
        "suggested_articles": [("How to change the paper roll", f"{base}/portal/help/articles/1/")],
        "nps_question": "How likely are you to recommend us to a colleague?",
        "nps_urls": [(score, f"{base}/feedback/nps/sample/{score}/") for score in range(11)],
        "score": 2,
        "comment": "",
        "comment_text": "We have replaced the toner cartridge; please try again.",
        "author_name": "Ivan Sidorov",
        "warning": "resolution",
        "due": "2026-01-16 18:00 UTC",
        "minutes_left": 30,
        "subject": "Help with my account",
    }
