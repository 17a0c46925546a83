"""Statements the ORM builds once and runs again with other ids (core/compiled.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from deskline.core import compiled
from deskline.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _numbers(ids: list[int]) -> QuerySet[Ticket, tuple[Any, ...]]:
    return Ticket.objects.filter(pk__in=ids).values_list("pk", "number", "created_at")


def test_the_rows_are_the_orms_for_any_ids_of_the_same_count(make_ticket: Any) -> None:
    made = [make_ticket() for _ in range(4)]
    for chosen in (made[:2], made[2:], made[1:3]):
        ids = [t.pk for t in chosen]
        assert sorted(compiled.rows_for_ids("test.numbers", _numbers, ids)) == sorted(_numbers(ids))


def test_a_kept_statement_is_not_built_again(make_ticket: Any) -> None:
    first, second = make_ticket(), make_ticket()
    built: list[int] = []

    def counting(ids: list[int]) -> QuerySet[Ticket, tuple[Any, ...]]:
        built.append(len(ids))
        return _numbers(ids)

    compiled.rows_for_ids("test.counting", counting, [first.pk])
    with CaptureQueriesContext(connection) as ctx:
        (row,) = compiled.rows_for_ids("test.counting", counting, [second.pk])
    assert built == [1] and len(ctx.captured_queries) == 1
    assert row[:2] == (second.pk, second.number)


def test_the_orms_converters_apply_to_the_kept_statements_rows(make_ticket: Any) -> None:
    ticket = make_ticket()
    ((_, _, created),) = compiled.rows_for_ids("test.numbers", _numbers, [ticket.pk])
    assert isinstance(created, dt.datetime) and created.tzinfo is not None
    assert created == Ticket.objects.get(pk=ticket.pk).created_at


def test_no_ids_cost_no_query() -> None:
    with CaptureQueriesContext(connection) as ctx:
        assert compiled.rows_for_ids("test.numbers", _numbers, []) == []
    assert not ctx.captured_queries


def test_a_statement_without_its_ids_is_refused() -> None:
    with pytest.raises(ValueError, match="missing"):
        compiled.rows_for_ids("test.none", lambda ids: _numbers([1]), [5])
