"""The automation API: triggers and webhook subscriptions, validated, for admins only."""

from __future__ import annotations

import pytest

from deskline.accounts.models import Role
from deskline.channels.webhook_models import WebhookDelivery, WebhookSubscription
from deskline.routing.models import Trigger
from tests.factories import UserFactory
from tests.routing.conftest import leaf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _loopback_allowed(settings) -> None:
    """Webhook URLs here are on loopback, which the installation must list (core.egress)."""
    settings.DESKLINE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]


def test_admin_manages_triggers(admin_api):
    created = admin_api.post(
        "routing/triggers",
        {"name": "Escalate VIP", "events": ["created"],
         "conditions": [leaf("company_category", "eq", "vip")],
         "actions": {"set": {"priority_id": 1}}},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    trigger_id = created.json()["id"]
    patched = admin_api.patch(f"routing/triggers/{trigger_id}", {"is_active": False})
    assert patched.json()["is_active"] is False and patched.json()["events"] == ["created"]
    names = [t["name"] for t in admin_api.get("routing/triggers").json()]
    assert "Escalate VIP" in names and "Auto-close resolved tickets without a client reply" in names
    assert admin_api.delete(f"routing/triggers/{trigger_id}").status_code == 204


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"name": "a", "events": []}, {"events"}),
        ({"name": "a", "events": ["exploded"]}, {"events"}),
        ({"name": "a", "when": "time_in_status"}, {"hours"}),
        ({"name": "a", "when": "no_client_reply"}, {"days"}),
        # Issue 13 item 18: a status that does not exist was accepted (201).
        ({"name": "a", "when": "time_in_status", "hours": 2, "status_code": "nonexistent"},
         {"status_code"}),
        ({"name": "", "when": "later"}, {"name", "when"}),
        ({"name": "a", "events": ["created"], "actions": {"launch": 1, "set": 3}},
         {"actions.launch", "actions.set"}),
        ({"name": "a", "events": ["created"], "conditions": [leaf("x", "eq", 1)]},
         {"conditions[0].field"}),
    ],
)  # fmt: skip
def test_invalid_triggers_are_refused(admin_api, body, fields):
    response = admin_api.post("routing/triggers", body)
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == fields
    assert Trigger.objects.count() == 1  # only the default one


def test_admin_subscribes_a_webhook_and_sees_its_deliveries(admin_api, make_ticket, dispatch):
    created = admin_api.post(
        "channels/webhooks",
        {"name": "CRM", "url": "http://127.0.0.1:9/x", "event_kinds": ["created"]},
    )
    assert created.status_code == 201
    body = created.json()
    assert len(body["secret"]) >= 32  # generated and shown once
    assert "secret" not in admin_api.get("channels/webhooks").json()[0]
    make_ticket()
    dispatch()
    deliveries = admin_api.get(f"channels/webhooks/{body['id']}/deliveries").json()
    assert [d["state"] for d in deliveries] == ["pending"]


def test_webhook_validation_and_re_enabling(admin_api):
    bad = admin_api.post(
        "channels/webhooks", {"name": "x", "url": "ftp://x", "event_kinds": ["no"]}
    )
    assert set(bad.json()["error"]["fields"]) == {"url", "event_kinds"}
    sub = WebhookSubscription.objects.create(
        name="x", url="http://127.0.0.1:9/", secret="s", is_active=False,
        consecutive_failures=10, disabled_reason="disabled after 10 failed attempts",
    )  # fmt: skip
    body = admin_api.patch(f"channels/webhooks/{sub.pk}", {"is_active": True}).json()
    assert body["is_active"] and body["consecutive_failures"] == 0 and body["disabled_reason"] == ""
    assert not WebhookDelivery.objects.exists()


@pytest.mark.parametrize("role", [Role.AGENT, Role.DISPATCHER])
def test_only_admins_manage_automation(api_for, role):
    api = api_for(UserFactory(username=f"x-{role}", role=role))
    for path in ("routing/triggers", "channels/webhooks"):
        assert api.get(path).status_code == 403
        assert api.post(path, {"name": "x"}).status_code == 403
