"""The SLA admin pages render."""

from __future__ import annotations

import pytest
from django.test import Client

from deskline.sla.models import Calendar, SlaPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(admin) -> Client:
    client = Client()
    client.force_login(admin)
    return client


@pytest.mark.parametrize("model", ["calendar", "slapolicy", "slarule", "ticketsla"])
def test_the_admin_list_renders(browser, model):
    assert browser.get(f"/admin/sla/{model}/").status_code == 200


def test_the_calendar_and_policy_pages_render(browser):
    calendar = Calendar.objects.get(is_default=True)
    policy = SlaPolicy.objects.get(is_default=True)
    assert browser.get(f"/admin/sla/calendar/{calendar.pk}/change/").status_code == 200
    assert browser.get(f"/admin/sla/slapolicy/{policy.pk}/change/").status_code == 200
