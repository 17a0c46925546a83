"""Issue 13 item 6: a strict Content-Security-Policy, and no tracking pixel fires on opening."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

import deskline
from deskline.tickets.services import ticket_create

pytestmark = pytest.mark.django_db
PIXEL = '<p>Hi</p><img src="https://tracker.example/p.gif" alt="logo">'


def _policy(response: Any) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.parametrize("path", ["/login/", "/portal/login/", "/admin/login/"])
def test_every_page_forbids_inline_and_foreign_scripts(client: Client, path: str) -> None:
    policy = _policy(client.get(path))
    assert policy["script-src"] == "'self'" and policy["object-src"] == "'none'"
    assert "unsafe-inline" not in policy["style-src"] and policy["frame-ancestors"] == "'none'"


def test_no_template_holds_an_inline_script() -> None:
    root = Path(deskline.__file__).parent
    for template in root.rglob("templates/**/*.html"):
        for tag in re.findall(r"<script\b[^>]*>", template.read_text()):
            assert "src=" in tag or "application/json" in tag, (template, tag)


def test_remote_images_in_mail_are_blocked_until_the_agent_asks(client: Client, admin: Any) -> None:
    ticket = ticket_create(actor=admin, title="Newsletter", description=PIXEL,
                           description_is_html=True)  # fmt: skip
    client.force_login(admin)
    page = client.get(f"/tickets/{ticket.number}/")
    html = page.content.decode()
    assert "tracker.example" not in html and "[logo]" in html and "?images=show" in html
    assert "https:" not in _policy(page)["img-src"]
    shown = client.get(f"/tickets/{ticket.number}/?images=show")
    assert 'src="https://tracker.example/p.gif"' in shown.content.decode()
    assert "https:" in _policy(shown)["img-src"]
