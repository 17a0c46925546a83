"""Storing and reading tickets' sentence embeddings (`TicketEmbedding`).

`ticket_embed` (run by the `triage_embed_ticket` background job, never on the web request path)
embeds a ticket's text once and stores the vector; it does nothing when the stored vector was
made from the same text by the same encoder. `vectors_for` gives training the stored vectors of
many tickets at once and embeds (and stores) only those missing, in batches, so a retraining
embeds nothing already embedded.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.utils import timezone

from deskline.tickets.models import Ticket
from deskline.triage import embeddings
from deskline.triage.models import TicketEmbedding
from deskline.triage.selectors import ticket_text


def _store(ticket_ids: Sequence[int], texts: Sequence[str], name: str) -> np.ndarray:
    vectors = embeddings.encode(texts)
    now = timezone.now()
    rows = [
        TicketEmbedding(
            ticket_id=pk,
            encoder=name,
            text_hash=embeddings.text_hash(text),
            vector=embeddings.to_bytes(vector),
            updated_at=now,
        )  # fmt: skip
        for pk, text, vector in zip(ticket_ids, texts, vectors, strict=True)
    ]
    TicketEmbedding.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["ticket"],
        update_fields=["encoder", "text_hash", "vector", "updated_at"],
    )
    return vectors


def ticket_embed(ticket_id: int) -> bool:
    """Embed one ticket's text unless its stored vector is current; whether it embedded."""
    row = Ticket.objects.filter(pk=ticket_id).values_list("title", "description").first()
    if row is None:
        return False
    text = ticket_text(*row)
    name = embeddings.encoder().name
    stored = TicketEmbedding.objects.filter(ticket_id=ticket_id).values_list("encoder", "text_hash")
    if stored.first() == (name, embeddings.text_hash(text)):
        return False
    _store([ticket_id], [text], name)
    return True


def vectors_for(ticket_ids: Sequence[int], texts: Sequence[str]) -> np.ndarray:
    """One row per ticket: the stored vector when current, otherwise embedded and stored now."""
    name = embeddings.encoder().name
    stored: dict[int, tuple[str, bytes]] = {}
    ids = list(ticket_ids)
    for start in range(0, len(ids), 5000):  # SQLite caps a query's parameters
        stored.update(
            (pk, (digest, bytes(vector)))
            for pk, digest, vector in TicketEmbedding.objects.filter(
                ticket_id__in=ids[start : start + 5000], encoder=name
            ).values_list("ticket_id", "text_hash", "vector")
        )
    result: list[np.ndarray | None] = []
    missing: list[int] = []
    for i, (pk, text) in enumerate(zip(ids, texts, strict=True)):
        found = stored.get(pk)
        if found is not None and found[0] == embeddings.text_hash(text):
            result.append(embeddings.from_bytes(found[1]))
        else:
            result.append(None)
            missing.append(i)
    if missing:
        made = _store([ids[i] for i in missing], [texts[i] for i in missing], name)
        for i, vector in zip(missing, made, strict=True):
            result[i] = vector
    if not result:
        return np.zeros((0, embeddings.encoder().dim), dtype=np.float32)
    return np.vstack([np.asarray(v, dtype=np.float32) for v in result])
