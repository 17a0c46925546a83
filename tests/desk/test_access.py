"""Who may open the desk: staff only, signed in; clients are sent to the portal."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from deskline.accounts.models import Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_the_login_page(client: Client) -> None:
    response = client.get("/tickets/1/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Ftickets%2F1%2F"


def test_client_contact_opening_the_desk_is_sent_to_the_portal(client_user: User) -> None:
    client = Client()
    client.force_login(client_user)
    assert client.get("/")["Location"] == "/portal/"


def test_login_page_signs_an_agent_in_and_goes_to_the_list(client: Client, agent: User) -> None:
    assert client.get("/login/").status_code == 200
    response = client.post(
        "/login/", {"username": "agent", "password": "pass-word-123", "next": "/"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_password_shows_an_error(client: Client, agent: User) -> None:
    response = client.post("/login/", {"username": "agent", "password": "nope"})
    assert response.status_code == 200
    assert b"Wrong user name or password" in response.content


def test_logout_needs_post_and_ends_the_session(agent_client: Client) -> None:
    response = agent_client.post("/logout/")
    assert response["Location"] == "/login/"
    assert agent_client.get("/")["Location"].startswith("/login/")


def test_language_switch_renders_the_desk_in_russian(agent_client: Client) -> None:
    agent_client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    response = agent_client.get("/")
    assert "Заявки".encode() in response.content
    assert 'lang="ru"' in response.content.decode()


def test_times_are_shown_in_the_viewer_time_zone(make_ticket: Any, db: None, settings: Any) -> None:
    moscow = UserFactory(username="msk", role=Role.ADMIN, time_zone="Europe/Moscow")
    ticket = make_ticket()
    client = Client()
    client.force_login(moscow)
    body = client.get(f"/tickets/{ticket.number}/").content.decode()
    local = ticket.created_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Moscow"))
    assert local.strftime("%H:%M") in body


def test_an_agent_cannot_open_a_ticket_of_another_team(
    make_ticket: Any, agent_client: Client, db: None
) -> None:
    from tests.factories import TeamFactory

    other = TeamFactory(name="Third line")
    ticket = make_ticket(team_id=other.pk)
    assert agent_client.get(f"/tickets/{ticket.number}/").status_code == 404
    response = agent_client.post(f"/tickets/{ticket.number}/reply/", {"body": "hi"})
    assert response.status_code in (302, 404, 422)
    assert not ticket.comments.exists()


def test_bad_user_time_zone_falls_back_to_utc(make_ticket: Any, db: None) -> None:
    odd = UserFactory(username="odd", role=Role.ADMIN, time_zone="Mars/Olympus")
    client = Client()
    client.force_login(odd)
    ticket = make_ticket()
    assert client.get(f"/tickets/{ticket.number}/").status_code == 200


def test_contact_user_object_is_a_user(client_user: User) -> None:
    assert client_user.role == Role.CONTACT


def test_pages_come_in_the_language_saved_on_the_profile_until_the_switcher_says_otherwise(
    client, agent
):
    """Issue 13 item 19: the saved language was ignored until the switcher was used."""
    from django.conf import settings

    agent.language = "ru"
    agent.save(update_fields=["language"])
    client.force_login(agent)
    assert "Выйти" in client.get("/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Log out" in client.get("/").content.decode()


def test_a_russian_status_mail_names_the_status_in_russian(admin, db):
    from deskline.notifications.context import ticket_context
    from deskline.tickets.services import ticket_create

    ticket = ticket_create(actor=admin, title="Принтер")
    assert ticket_context(ticket, language="ru")["status_name"] == "Новая"
    assert ticket_context(ticket, language="en")["status_name"] == "New"


def test_priorities_and_types_are_named_in_russian_on_a_russian_page(client, agent, admin):
    """Issue 13 item 19: priority, type and team names stayed English in the Russian UI."""
    from deskline.tickets.services import ticket_create

    ticket = ticket_create(actor=admin, title="Принтер")
    agent.language = "ru"
    agent.save(update_fields=["language"])
    client.force_login(admin)
    admin.language = "ru"
    admin.save(update_fields=["language"])
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "Обычный" in page and "Инцидент" in page
