"""The bodies of the last few comments this process wrote, so code reacting inside the same
write (the tone observer and fact source) does not read back the row just inserted.

Bounded and keyed by primary key (never reused: PostgreSQL sequences and SQLite's
AUTOINCREMENT do not hand out an id twice, even after a rollback); a miss falls back to the
database, so it is only ever a shortcut.
"""

from __future__ import annotations

from collections import OrderedDict

_KEEP = 16
_bodies: OrderedDict[int, str] = OrderedDict()


def comment_written(pk: int, body: str) -> None:
    _bodies[pk] = body
    _bodies.move_to_end(pk)
    while len(_bodies) > _KEEP:
        _bodies.popitem(last=False)


def comment_body(pk: int) -> str | None:
    """The body of comment `pk` if this process just wrote it; None otherwise."""
    return _bodies.get(pk)
