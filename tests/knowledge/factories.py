"""factory_boy factories for the knowledge app, and a helper writing articles."""

from __future__ import annotations

from typing import Any

import factory

from deskline.accounts.models import Role, User
from deskline.knowledge.article_services import article_create
from deskline.knowledge.models import (
    Article,
    ArticleAudience,
    ArticleState,
    Audience,
    ReplyTemplate,
)
from tests.factories import UserFactory


class ReplyTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReplyTemplate

    name = factory.Sequence(lambda n: f"Template {n}")
    body = "Hello {{ contact_name }}, about ticket #{{ ticket.number }}."
    audience = Audience.EVERYONE


def article(**fields: Any) -> Article:
    """A published public article written through the service (so it is versioned and indexed)."""
    actor = fields.pop("actor", None) or User.objects.filter(role=Role.ADMIN).first()
    if actor is None:
        actor = UserFactory(username=f"writer{User.objects.count()}", role=Role.ADMIN)
    fields.setdefault("title", "How to change the paper roll")
    fields.setdefault("body", "Open the lid and put the new roll in.")
    fields.setdefault("state", ArticleState.PUBLISHED)
    fields.setdefault("audience", ArticleAudience.PUBLIC)
    return article_create(actor=actor, **fields)
