"""django-helpdesk rows to records: the pure mapping rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from deskline.operations.migration import helpdesk_map as m
from deskline.operations.migration.records import SourceFile, closing_dates

T = datetime(2022, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "on_hold", "worked_on", "phase"),
    [
        (m.OPEN, False, False, "new"),
        (m.OPEN, False, True, "open"),
        (m.REOPENED, False, False, "open"),
        (m.OPEN, True, True, "waiting"),
        (m.RESOLVED, True, True, "resolved"),
        (m.CLOSED, False, True, "closed"),
        (m.DUPLICATE, False, False, "closed"),
        (9, False, True, "open"),
    ],
)
def test_statuses_map_to_phases(status: int, on_hold: bool, worked_on: bool, phase: str) -> None:
    assert m.phase_for(status, on_hold=on_hold, worked_on=worked_on) == phase


def test_priorities_one_to_five_map_to_critical_down_to_low() -> None:
    assert [m.priority_for(p) for p in (1, 2, 3, 4, 5, None, "x")] == [
        "critical", "high", "normal", "low", "low", "normal", "normal"
    ]  # fmt: skip


def test_database_dates_from_text_or_datetime_are_aware_utc() -> None:
    assert m.when("2022-05-01 12:00:00") == T
    assert m.when("2022-05-01 15:00:00+03:00") == T
    assert m.when(datetime(2022, 5, 1, 12, 0)) == T  # noqa: DTZ001 - a naive value from a driver


def test_closing_dates_follow_the_phase() -> None:
    later = datetime(2022, 6, 1, tzinfo=UTC)
    assert closing_dates("resolved", updated_at=later, resolved_at=None, closed_at=None) == (
        later, None
    )  # fmt: skip
    assert closing_dates("closed", updated_at=later, resolved_at=T, closed_at=None) == (T, later)
    assert closing_dates("open", updated_at=later, resolved_at=T, closed_at=T) == (None, None)


def _ticket(**extra: object) -> dict[str, object]:
    return {"id": 7, "title": "Printer", "queue_id": 1, "created": T, "modified": T,
            "submitter_email": "A@x.example", "assigned_to_id": None, "status": 1,
            "on_hold": False, "description": "It jams", "resolution": None, "priority": 3,
            **extra}  # fmt: skip


def _followup(id_: int, comment: str, **extra: object) -> dict[str, object]:
    return {"id": id_, "ticket_id": 7, "date": T, "title": "Comment", "comment": comment,
            "public": True, "user_id": None, "new_status": None, **extra}  # fmt: skip


def test_the_opening_follow_up_is_not_repeated_and_its_files_go_on_the_ticket() -> None:
    photo = SourceFile("1", "photo.png", lambda: b"")
    record = m.ticket_record(_ticket(), queue_title="IT",
                             followups=[_followup(1, "It jams"), _followup(2, "Any news?")],
                             files_by_followup={1: [photo]}, users={})  # fmt: skip
    assert [c.body for c in record.comments] == ["Any news?"]
    assert record.files == (photo,) and record.comments[0].by_requester
    assert (record.number, record.group, record.phase) == (7, "IT", "new")
    assert record.requester is not None and record.requester.email == "A@x.example"


def test_a_bare_status_change_keeps_its_title_and_dates_the_closing() -> None:
    closing = _followup(3, "", title="Closed", new_status=m.CLOSED, user_id=5,
                        date=datetime(2022, 5, 3, tzinfo=UTC))  # fmt: skip
    users = {5: {"id": 5, "username": "olga", "email": "o@x", "first_name": "", "last_name": ""}}
    record = m.ticket_record(_ticket(status=m.CLOSED), queue_title="", followups=[closing],
                             files_by_followup={}, users=users)  # fmt: skip
    assert [c.body for c in record.comments] == ["Closed"]
    assert record.comments[0].author is not None and record.comments[0].author.name == "olga"
    assert record.closed_at == datetime(2022, 5, 3, tzinfo=UTC)


def test_a_resolution_not_written_as_a_follow_up_becomes_a_public_comment() -> None:
    record = m.ticket_record(_ticket(status=m.RESOLVED, resolution="Toner replaced"),
                             queue_title="", followups=[], files_by_followup={}, users={})  # fmt: skip
    assert [(c.body, c.is_public, c.external_id) for c in record.comments] == [
        ("Toner replaced", True, "resolution-7")
    ]  # fmt: skip
