"""core.inserts: one prebuilt INSERT writes the row that save() would write."""

from __future__ import annotations

import pytest
from django.db.models.signals import post_save
from django.forms.models import model_to_dict
from django.utils import timezone

from deskline.core import inserts
from deskline.core.inserts import insert
from deskline.tickets.models import TicketEvent, TicketLink

pytestmark = pytest.mark.django_db


def _event(ticket, **extra) -> TicketEvent:
    values = {"ticket": ticket, "kind": "created", "actor": None, "channel": "api"}
    when = timezone.now()
    return TicketEvent(**values, changes={"a": [1, 2]}, data={"n": 1}, created_at=when, **extra)


def test_an_inserted_row_reads_back_equal_to_a_saved_one(make_ticket):
    ticket = make_ticket()
    saved, inserted = _event(ticket), _event(ticket)
    saved.save()
    insert(inserted)
    fields = [f.name for f in TicketEvent._meta.fields if f.name != "id"]
    assert model_to_dict(TicketEvent.objects.get(pk=inserted.pk), fields) == model_to_dict(
        TicketEvent.objects.get(pk=saved.pk), fields
    )


def test_insert_sets_the_generated_key_and_marks_the_instance_saved(make_ticket):
    event = _event(make_ticket())
    insert(event)
    assert event.pk is not None
    assert event._state.adding is False
    event.refresh_from_db()
    assert event.data == {"n": 1}


def test_auto_now_add_is_stamped_as_by_save(make_ticket):
    link = TicketLink(from_ticket=make_ticket(), to_ticket=make_ticket())
    insert(link)
    assert link.created_at is not None
    assert TicketLink.objects.get(pk=link.pk).created_at == link.created_at


def test_a_database_expression_is_evaluated_and_read_back(make_ticket):
    event = _event(make_ticket())
    insert(event, from_database={"channel": "UPPER('mail')"})
    assert event.channel == "MAIL"
    assert TicketEvent.objects.get(pk=event.pk).channel == "MAIL"


def test_an_unknown_expression_field_is_refused(make_ticket):
    with pytest.raises(TypeError, match="no insertable field"):
        insert(_event(make_ticket()), from_database={"nope": "1"})


def test_a_model_with_save_receivers_is_refused(make_ticket, monkeypatch):
    monkeypatch.setattr(inserts, "_statements", {})

    def receiver(**kwargs):  # pragma: no cover - must never run
        raise AssertionError

    post_save.connect(receiver, sender=TicketEvent, weak=False)
    try:
        with pytest.raises(TypeError, match="save receivers"):
            insert(_event(make_ticket()))
    finally:
        post_save.disconnect(receiver, sender=TicketEvent)


def test_values_of_another_type_are_converted_as_save_would(make_ticket):
    event = _event(make_ticket(), actor_id=None)
    event.channel = 5  # a text column given an int: save() stores "5"
    insert(event)
    assert TicketEvent.objects.get(pk=event.pk).channel == "5"
