"""Issue 21 item 9 (audit log): configuration changes through the API or the admin are recorded."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from deskline.operations.models import AuditEntry
from deskline.tickets.models import Priority
from deskline.tickets.reference_services import status_create

pytestmark = pytest.mark.django_db


def test_an_api_change_is_recorded_with_who_and_before_after(admin_api: Any, admin: Any) -> None:
    response = admin_api.post("routing/triggers", {
        "name": "Wake the lead", "when": "event", "events": ["created"], "actions": {}})  # fmt: skip
    assert response.status_code == 201
    entry = AuditEntry.objects.get(model="routing.Trigger", action="created")
    assert (
        entry.actor_name == admin_api.user.username and entry.changes["name"][1] == "Wake the lead"
    )
    admin_api.patch(f"routing/triggers/{response.json()['id']}", {"name": "Wake the team lead"})
    change = AuditEntry.objects.get(model="routing.Trigger", action="changed")
    assert change.changes == {"name": ["Wake the lead", "Wake the team lead"]}
    assert change.request_id


def test_an_admin_page_change_is_recorded_and_secrets_are_not(client: Client, admin: Any) -> None:
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    priority = Priority.objects.get(code="high")
    response = client.post(f"/admin/tickets/priority/{priority.pk}/change/", {
        "code": "high", "name": "Urgent", "name_ru": "", "weight": priority.weight,
        "color": priority.color})  # fmt: skip
    assert response.status_code == 302
    entry = AuditEntry.objects.get(model="tickets.Priority")
    assert entry.changes["name"] == ["High", "Urgent"] and entry.actor_name == admin.username


def test_changes_outside_a_request_are_not_audited(admin: Any) -> None:
    status_create(actor=admin, code="on_hold", name="On hold", phase="waiting")
    assert not AuditEntry.objects.exists()


def test_a_password_change_is_recorded_without_the_password(client: Client, admin: Any) -> None:
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    client.post(f"/admin/accounts/user/{admin.pk}/password/",
                {"password1": "New-pass-456!", "password2": "New-pass-456!",
                 "usable_password": "true"})  # fmt: skip
    entry = AuditEntry.objects.filter(model="accounts.User", action="changed").last()
    assert entry is not None and entry.changes["password"] == ["", "(changed)"]
    assert "New-pass" not in str(entry.changes)
