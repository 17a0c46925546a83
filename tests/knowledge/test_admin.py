"""The admin edits reply templates, lists the variables and refuses unknown ones."""

from __future__ import annotations

import pytest
from django.test import Client

from deskline.accounts.models import User
from deskline.knowledge.models import ReplyTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_kb(admin: User) -> Client:
    client = Client()
    client.force_login(admin)
    return client


def _form(**fields: str) -> dict[str, str]:
    return {
        "name": "Thanks",
        "body": "Thank you, {{ contact_name }}",
        "language": "",
        "audience": "everyone",
        "team": "",
        "owner": "",
        "is_active": "on",
        "order": "0",
    } | fields


def test_add_page_lists_the_variables(admin_client_kb: Client) -> None:
    body = admin_client_kb.get("/admin/knowledge/replytemplate/add/").content.decode()
    assert "{{ ticket.number }}" in body and "{{ ticket_url }}" in body


def test_admin_saves_a_shared_template(admin_client_kb: Client) -> None:
    response = admin_client_kb.post("/admin/knowledge/replytemplate/add/", _form())
    assert response.status_code == 302
    assert ReplyTemplate.objects.get().name == "Thanks"


def test_admin_form_refuses_unknown_variables(admin_client_kb: Client) -> None:
    response = admin_client_kb.post(
        "/admin/knowledge/replytemplate/add/", _form(body="{{ settings.SECRET_KEY }}")
    )
    assert response.status_code == 200
    assert "Unknown variables: settings.SECRET_KEY" in response.content.decode()
    assert not ReplyTemplate.objects.exists()
