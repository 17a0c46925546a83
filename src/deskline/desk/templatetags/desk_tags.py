"""Template helpers shared by the desk and the portal: SLA urgency, localised names, safe HTML."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from deskline.core.html import remote_images_blocked, sanitize_html
from deskline.tickets.models import Ticket

register = template.Library()

WARN_WINDOW = dt.timedelta(hours=4)
CRITICAL_WINDOW = dt.timedelta(hours=1)


def sla_urgency(ticket: Ticket, now: dt.datetime | None = None) -> str:
    """none, done, breached, critical (< 1 h left), warn (< 4 h left) or ok."""
    if ticket.resolution_due is None:
        return "none"
    if not ticket.is_open:
        return "done"
    left = ticket.resolution_due - (now or timezone.now())
    if left <= dt.timedelta(0):
        return "breached"
    if left <= CRITICAL_WINDOW:
        return "critical"
    if left <= WARN_WINDOW:
        return "warn"
    return "ok"


def _duration(delta: dt.timedelta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)sd %(h)sh") % {"d": days, "h": hours}
    if hours:
        return _("%(h)sh %(m)sm") % {"h": hours, "m": mins}
    return _("%(m)sm") % {"m": mins}


@register.filter
def sla_class(ticket: Ticket) -> str:
    return f"sla-{sla_urgency(ticket)}"


@register.filter
def sla_left(ticket: Ticket) -> str:
    """Time left to the resolution deadline, or how long ago it passed."""
    if ticket.resolution_due is None or not ticket.is_open:
        return ""
    left = ticket.resolution_due - timezone.now()
    if left <= dt.timedelta(0):
        return _("%(t)s overdue") % {"t": _duration(left)}
    return _("%(t)s left") % {"t": _duration(left)}


@register.filter
def local_name(row: Any) -> str:
    """A status's Russian name when the page is in Russian and one is set."""
    if row is None:
        return ""
    name_ru = getattr(row, "name_ru", "")
    if name_ru and translation.get_language() == "ru":
        return str(name_ru)
    return str(row.name)


@register.filter
def clean_html(value: str, remote_images: str = "") -> SafeString:
    # Bodies are sanitised when stored; cleaning again on output costs little and guards
    # against rows written by anything that skipped the write path. Images from other sites
    # are blocked unless the page says "show" (the agent asked, for this ticket).
    clean = sanitize_html(value or "")
    shown = clean if remote_images == "show" else remote_images_blocked(clean)
    return mark_safe(shown)  # noqa: S308


@register.simple_tag(takes_context=True)
def query(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (None removes one)."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = str(value)
    params.pop("fragment", None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """`mapping[key]`, or an empty tuple when absent (e.g. a page's flags by company id)."""
    return mapping.get(key, ()) if mapping else ()


@register.filter
def user_label(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.username)
