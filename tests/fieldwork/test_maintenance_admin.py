"""Maintenance plans are added and changed in the admin through the same services as the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from deskline.fieldwork.maintenance_models import MaintenancePlan
from tests.factories import AdminFactory, EquipmentFactory

pytestmark = pytest.mark.django_db

FORMSET = {"occurrences-TOTAL_FORMS": "0", "occurrences-INITIAL_FORMS": "0",
           "occurrences-MIN_NUM_FORMS": "0", "occurrences-MAX_NUM_FORMS": "1000"}  # fmt: skip


def _post(client: Client, path: str, **fields: Any) -> Any:
    body = {"name": "Lift service", "scope": "equipment", "rule": "FREQ=MONTHLY;INTERVAL=3",
            "starts_on": "2026-12-01", "lead_days": "7", "title": "Quarterly lift service",
            "is_active": "on", **FORMSET, **fields}  # fmt: skip
    return client.post(path, body)


def test_an_admin_adds_a_plan_and_its_next_date_is_set() -> None:
    client = Client()
    client.force_login(AdminFactory(is_staff=True))
    item = EquipmentFactory()
    response = _post(client, "/admin/fieldwork/maintenanceplan/add/", equipment=str(item.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = MaintenancePlan.objects.get()
    assert plan.company_id == item.company_id and plan.next_due_on is not None


def test_a_bad_rule_is_shown_on_the_form_and_nothing_is_saved() -> None:
    client = Client()
    client.force_login(AdminFactory(is_staff=True))
    item = EquipmentFactory()
    response = _post(client, "/admin/fieldwork/maintenanceplan/add/", equipment=str(item.pk),
                     rule="EVERY SOMETIMES")  # fmt: skip
    assert response.status_code == 200 and not MaintenancePlan.objects.exists()
    assert "errorlist" in response.content.decode()
