"""Reads of knowledge items, scoped to who they are shared with.

Staff see items shared with everyone, with a team they belong to, and their own personal
ones; clients see none. Another user's personal item is "not found", never "forbidden".
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Q, QuerySet

from deskline.accounts.models import TeamMembership, User
from deskline.core.errors import NotFound
from deskline.core.prepared import PreparedQuery
from deskline.knowledge.models import Audience, KnowledgeItem, ReplyTemplate
from deskline.knowledge.placeholders import render
from deskline.knowledge.variables import reply_values
from deskline.tickets.models import Ticket

K = TypeVar("K", bound=KnowledgeItem)


def visible(queryset: QuerySet[K], user: User) -> QuerySet[K]:
    """The active items of `queryset` that `user` may use (one query, no extra lookups)."""
    if not user.is_active or user.is_client:
        return queryset.none()
    return _usable_by(queryset, user.pk)


def _usable_by(queryset: QuerySet[K], user_id: int) -> QuerySet[K]:
    """`visible` for an active staff member's id."""
    teams = TeamMembership.objects.filter(user_id=user_id).values("team_id")
    return queryset.filter(is_active=True).filter(
        Q(audience=Audience.EVERYONE)
        | Q(audience=Audience.TEAM, team_id__in=teams)
        | Q(audience=Audience.PERSONAL, owner_id=user_id)
    )


def _templates_query(*, user_id: int, language: str = "") -> QuerySet[ReplyTemplate]:
    rows = _usable_by(ReplyTemplate.objects.all(), user_id)
    if language:
        rows = rows.filter(language__in=["", language])
    return rows.only("id", "name", "language", "order")


#: `visible` reply templates, compiled once per process (`core.prepared`): every ticket page
#: offers them.
_TEMPLATES: PreparedQuery[ReplyTemplate] = PreparedQuery(_templates_query, plan_once=True)


def reply_templates_for(*, user: User, language: str | None = None) -> list[ReplyTemplate]:
    """Templates the user may insert: for all languages, or for `language` when given."""
    if not user.is_active or user.is_client:  # as `visible`
        return []
    if language:
        return _TEMPLATES.all(user_id=user.pk, language=language)
    return _TEMPLATES.all(user_id=user.pk)


def reply_template_get_for(*, user: User, template_id: int) -> ReplyTemplate:
    row = visible(ReplyTemplate.objects.all(), user).filter(pk=template_id).first()
    if row is None:
        raise NotFound(f"reply template {template_id} not found")
    return row


def reply_template_text_for(*, user: User, template_id: int, ticket: Ticket) -> str:
    """The template's text filled in for `ticket`, as `user` would send it."""
    template = reply_template_get_for(user=user, template_id=template_id)
    return render(template.body, reply_values(ticket, user))


def personal_templates_for(*, user: User) -> list[ReplyTemplate]:
    """The user's own personal templates, active or not, for managing them."""
    return list(ReplyTemplate.objects.filter(audience=Audience.PERSONAL, owner_id=user.pk))


def personal_template_get_for(*, user: User, template_id: int) -> ReplyTemplate:
    row = ReplyTemplate.objects.filter(
        pk=template_id, audience=Audience.PERSONAL, owner_id=user.pk
    ).first()
    if row is None:
        raise NotFound(f"reply template {template_id} not found")
    return row
