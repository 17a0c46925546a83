"""factory_boy factories for the desk's own models."""

from __future__ import annotations

import factory

from deskline.desk.models import SavedFilter


class SavedFilterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedFilter

    name = factory.Sequence(lambda n: f"Filter {n}")
    params = factory.LazyFunction(
        lambda: {"view": "all", "sort": "-updated", "q": "", "status": [], "priority": [],
                 "team": [], "assignee": [], "company": []}
    )  # fmt: skip
