"""Writing acts' PDFs into a folder while the monthly run goes on: rendering is CPU work in
Python and the run mostly waits on the database, so a worker process renders each act (from
its frozen document, a plain dict) while the run bills the next batch of companies.

At most `in_flight` documents wait for the worker (memory stays flat however many acts); the
worker is started with "spawn", so it shares nothing with this process (no database
connection): it only needs ReportLab and the fonts.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from types import TracebackType

from deskline.billing.documents import act_document
from deskline.billing.models import Act
from deskline.billing.pdf import act_pdf_write


def act_file_name(act: Act) -> str:
    return f"act-{act.display_number.replace(' ', '-')}.pdf"


class PdfFolder:
    """`with PdfFolder(folder) as write: acts_monthly_run(..., on_act=write)`; on leaving,
    every PDF is written (a rendering error is raised there)."""

    def __init__(self, folder: Path, *, in_flight: int = 200) -> None:
        self.folder, self.in_flight = folder, in_flight
        self.files = self.bytes = 0
        self.render_seconds = 0.0
        self._pending: deque[Future[tuple[int, float]]] = deque()
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> PdfFolder:
        self.folder.mkdir(parents=True, exist_ok=True)
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        return self

    def __call__(self, act: Act) -> None:
        assert self._pool is not None, "use PdfFolder as a context manager"
        path = str(self.folder / act_file_name(act))
        self._pending.append(self._pool.submit(act_pdf_write, path, act_document(act)))
        while len(self._pending) > self.in_flight:
            self._collect()

    def _collect(self) -> None:
        size, seconds = self._pending.popleft().result()
        self.files, self.bytes = self.files + 1, self.bytes + size
        self.render_seconds += seconds

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            while self._pending:
                self._collect()
        finally:
            assert self._pool is not None
            self._pool.shutdown(cancel_futures=True)
