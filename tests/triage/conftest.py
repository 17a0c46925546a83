"""Triage fixtures: a small help-desk history with a clear signal in the text."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

from deskline.accounts.models import User
from deskline.tickets.models import Category, Phase, Ticket
from deskline.tickets.services import ticket_create

TOPICS = {
    "Printers": ["printer jams paper", "toner is empty", "принтер не печатает", "paper tray stuck",
                 "картридж закончился", "printing stripes on page"],
    "Network": ["wifi keeps dropping", "no internet in office", "роутер не работает",
                "VPN does not connect", "сеть пропала", "network cable unplugged"],
    "Email": ["cannot send email", "mailbox is full", "почта не приходит", "outlook asks password",
              "письма уходят в спам", "email attachment too big"],
}  # fmt: skip


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
