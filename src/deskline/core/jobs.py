"""Enqueueing a background job from the hot write path, in the caller's transaction.

`enqueue(task, **kwargs)` stores the same job row as `task.enqueue(**kwargs)`. On the database
backend it writes that row with one prebuilt INSERT (`core.inserts`) instead of the backend's
`objects.create()` and the `TaskResult` it builds and discards: on ticket creation that was a
sixth of the web process's CPU. Deferred jobs and any other backend go through
`task.enqueue()` unchanged. A test compares the two rows column by column and runs the lean one
with the real worker, so an upgrade of django-tasks-db that changes the row is caught.
"""

from __future__ import annotations

from typing import Any

from django_tasks.base import Task
from django_tasks.utils import normalize_json
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from deskline.core.inserts import insert

_validated: set[int] = set()


def enqueue(task: Task[..., Any], **kwargs: Any) -> None:
    backend = task.get_backend()
    if type(backend) is not DatabaseBackend or task.run_after is not None:
        task.enqueue(**kwargs)
        return
    if id(task) not in _validated:
        backend.validate_task(task)
        _validated.add(id(task))
    row: DBTaskResult[..., Any] = DBTaskResult(
        id=backend._get_id(),
        args_kwargs=normalize_json({"args": [], "kwargs": kwargs}),
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        # What the backend's pre_save receiver writes for "run as soon as possible".
        run_after=get_date_max(),
        backend_name=backend.alias,
    )
    insert(row, receivers_replicated=True)
