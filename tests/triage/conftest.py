"""Triage fixtures: a small help-desk history with a clear signal in the text."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from deskline.accounts.models import User
from deskline.tickets.models import Category, Phase, Ticket
from deskline.tickets.services import ticket_create
from deskline.triage import classifier
from deskline.triage.models import TriageFieldSetting, TriageModel
from deskline.triage.selectors import next_version
from deskline.triage.training import dump_classifier

TOPICS = {
    "Printers": ["printer jams paper", "toner is empty", "принтер не печатает", "paper tray stuck",
                 "картридж закончился", "printing stripes on page"],
    "Network": ["wifi keeps dropping", "no internet in office", "роутер не работает",
                "VPN does not connect", "сеть пропала", "network cable unplugged"],
    "Email": ["cannot send email", "mailbox is full", "почта не приходит", "outlook asks password",
              "письма уходят в спам", "email attachment too big"],
}  # fmt: skip


def topic_examples(ids: dict[str, int]) -> tuple[list[str], list[str]]:
    """Texts and labels (as strings of `ids`) of the TOPICS phrases, four variants each."""
    texts, values = [], []
    for name, phrases in TOPICS.items():
        for phrase in phrases:
            for suffix in ("", " please help", " срочно", " again today"):
                texts.append(phrase + suffix)
                values.append(str(ids[name]))
    return texts, values


@pytest.fixture
def categories(db: None) -> dict[str, Category]:
    return {name: Category.objects.create(name=name) for name in TOPICS}


@pytest.fixture
def history(admin: User, categories: dict[str, Category]) -> Callable[..., list[Ticket]]:
    """`history(n, closed=True)`: n tickets spread over the topics, with their category."""

    def make(n: int, *, closed: bool = True, seed: int = 0, **fields: Any) -> list[Ticket]:
        rng = random.Random(seed)
        names = list(TOPICS)
        tickets = []
        for i in range(n):
            name = names[i % len(names)]
            phrase = rng.choice(TOPICS[name])
            tickets.append(
                ticket_create(actor=admin, title=f"{phrase} #{i}", description=f"<p>{phrase}</p>",
                              category_id=categories[name].pk, **fields)
            )  # fmt: skip
        if closed:
            Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(phase=Phase.CLOSED)
        return tickets

    return make


@pytest.fixture
def install_model(categories: dict[str, Category]) -> Callable[..., TriageModel]:
    """`install_model(field, labels={topic: id})`: an active model trained on the topic phrases."""

    def install(field: str = "category", labels: dict[str, int] | None = None) -> TriageModel:
        ids = labels or {name: c.pk for name, c in categories.items()}
        texts, values = topic_examples(ids)
        model = classifier.train(texts, values, grid=(classifier.Settings(),))
        TriageModel.objects.filter(field=field).update(is_active=False)
        return TriageModel.objects.create(
            field=field, version=next_version(field), artefact=dump_classifier(model),
            metrics={}, trained_at=timezone.now(), is_active=True,
        )  # fmt: skip

    return install


@pytest.fixture
def set_mode(db: None) -> Callable[..., TriageFieldSetting]:
    def set_(field: str, mode: str, threshold: float = 0.9) -> TriageFieldSetting:
        setting, _ = TriageFieldSetting.objects.update_or_create(
            field=field, defaults={"mode": mode, "threshold": threshold}
        )
        return setting

    return set_
