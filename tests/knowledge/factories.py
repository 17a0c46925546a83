"""factory_boy factories for the knowledge app."""

from __future__ import annotations

import factory

from deskline.knowledge.models import Audience, ReplyTemplate


class ReplyTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReplyTemplate

    name = factory.Sequence(lambda n: f"Template {n}")
    body = "Hello {{ contact_name }}, about ticket #{{ ticket.number }}."
    audience = Audience.EVERYONE
