"""Django's SQLite backend with writers queued in order (see `writers`) before each
`BEGIN IMMEDIATE`, instead of left to SQLite's sleeping busy handler.

Only transactions (`atomic` blocks) queue; a lone statement in autocommit mode still waits on
SQLite's busy timeout. The turn is held from BEGIN to COMMIT or ROLLBACK (or the connection's
close), so nothing but the transaction's own statements should run inside it: callers prepare
and decide before they open it.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.sqlite3 import base

from deskline.core.sqlite3.writers import WriterQueue, writer_queue


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._holding: WriterQueue | None = None

    def _writer_queue(self) -> WriterQueue | None:
        if self.is_in_memory_db():
            return None
        return writer_queue(str(self.settings_dict["NAME"]))

    def _start_transaction_under_autocommit(self) -> None:
        queue = self._writer_queue()
        if queue is not None and self._holding is None:
            queue.acquire(timeout=float(self.settings_dict["OPTIONS"].get("timeout", 5)))
            self._holding = queue
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private in the stubs
        except BaseException:
            self._release_turn()
            raise

    def _release_turn(self) -> None:
        holding, self._holding = self._holding, None
        if holding is not None:
            holding.release()

    def _commit(self) -> None:
        super()._commit()  # type: ignore[misc]  # a failed COMMIT is then rolled back or closed
        self._release_turn()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._release_turn()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._release_turn()
