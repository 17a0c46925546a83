"""The per-process reference cache: reused while nothing changes, reloaded after any change."""

from __future__ import annotations

import pytest
from django.db import transaction

from deskline.core import refcache
from deskline.core.models import ReferenceGeneration
from deskline.sla.models import SlaPolicy
from deskline.tickets import config_cache
from deskline.tickets.models import Phase, Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    refcache.clear()


class CountingLoader:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_a_cached_value_is_loaded_once_while_nothing_changes():
    load = CountingLoader()
    assert refcache.cached("k", load) == 1
    assert refcache.cached("k", load) == 1
    assert load.calls == 1


def test_saving_a_watched_model_reloads_the_value():
    load = CountingLoader()
    refcache.cached("k", load)
    Status.objects.create(code="extra", name="Extra", phase=Phase.OPEN, order=99)
    assert refcache.cached("k", load) == 2


def test_a_change_by_another_process_is_seen_after_the_check_interval(settings):
    settings.DESKLINE_REFERENCE_CHECK_SECONDS = 0
    load = CountingLoader()
    refcache.cached("k", load)
    # Another process writes a new token; no signal reaches this one.
    ReferenceGeneration.objects.filter(pk=refcache.ROW_ID).update(token="from-elsewhere")
    assert refcache.cached("k", load) == 2


def test_within_the_check_interval_the_token_is_read_once(settings, django_assert_num_queries):
    settings.DESKLINE_REFERENCE_CHECK_SECONDS = 60
    refcache.cached("a", CountingLoader())
    refcache.cached("b", CountingLoader())
    with django_assert_num_queries(0):
        refcache.cached("a", CountingLoader())
        refcache.cached("b", CountingLoader())


def test_after_the_check_interval_the_token_is_read_again(settings, django_assert_num_queries):
    settings.DESKLINE_REFERENCE_CHECK_SECONDS = 0
    refcache.cached("a", CountingLoader())
    with django_assert_num_queries(2):
        refcache.cached("a", CountingLoader())
        refcache.cached("a", CountingLoader())


def test_a_rolled_back_change_does_not_leave_its_values_cached():
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        Status.objects.create(code="ghost", name="Ghost", phase=Phase.OPEN, order=99)
        assert "ghost" in {s.code for s in config_cache.rows_by_id(Status).values()}
        raise Boom
    assert "ghost" not in {s.code for s in config_cache.rows_by_id(Status).values()}


def test_a_many_to_many_change_reloads_the_value():
    policy = SlaPolicy.objects.create(name="Gold")
    load = CountingLoader()
    refcache.cached("k", load)
    policy.pause_statuses.add(Status.objects.first())
    assert refcache.cached("k", load) == 2


def test_a_new_initial_status_applies_to_the_next_ticket(make_ticket):
    make_ticket()  # loads the configuration into the cache
    Status.objects.filter(is_initial=True).update(is_initial=False)
    triage = Status.objects.create(
        code="triage", name="Triage", phase=Phase.NEW, order=0, is_initial=True
    )
    assert make_ticket().status_id == triage.pk
