"""Polling Dovecot over TLS (implicit and STARTTLS) and with XOAUTH2, and how failures show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from deskline.channels.imap import mailbox_poll
from deskline.channels.models import Mailbox
from deskline.channels.vault import seal, unseal
from deskline.tickets.models import Ticket
from tests.channels.conftest import make_raw

pytestmark = pytest.mark.django_db


def _mailbox(server, **fields) -> Mailbox:
    values = {
        "name": "imap",
        "address": "support@desk.example",
        "imap_host": server.host,
        "imap_port": server.port,
        "imap_security": Mailbox.Security.NONE,
        "imap_username": server.user,
        "imap_password": seal(server.password),
        "since": timezone.now() - dt.timedelta(days=1),
        **fields,
    }
    return Mailbox.objects.create(**values)


def _poll_one(server, mailbox: Mailbox):
    server.deliver(make_raw(), "1.eml")
    return mailbox_poll(mailbox_id=mailbox.pk)


def _status(mailbox: Mailbox) -> Mailbox:
    return Mailbox.objects.get(pk=mailbox.pk)


def test_polling_over_implicit_tls_with_the_trusted_ca_opens_a_ticket(dovecot_server):
    mailbox = _mailbox(
        dovecot_server,
        imap_port=dovecot_server.ssl_port,
        imap_security=Mailbox.Security.SSL,
        imap_ca_certificate=dovecot_server.ca_pem,
    )
    result = _poll_one(dovecot_server, mailbox)
    assert (result.error, result.fetched) == ("", 1)
    assert Ticket.objects.count() == 1 and _status(mailbox).last_error == ""


def test_polling_with_starttls_and_the_trusted_ca_opens_a_ticket(dovecot_server):
    mailbox = _mailbox(
        dovecot_server,
        imap_security=Mailbox.Security.STARTTLS,
        imap_ca_certificate=dovecot_server.ca_pem,
    )
    result = _poll_one(dovecot_server, mailbox)
    assert (result.error, result.fetched) == ("", 1)
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("security", [Mailbox.Security.SSL, Mailbox.Security.STARTTLS])
def test_an_untrusted_certificate_fails_the_poll_and_says_so_on_the_mailbox(
    dovecot_server, security
):
    port = dovecot_server.ssl_port if security == Mailbox.Security.SSL else dovecot_server.port
    mailbox = _mailbox(dovecot_server, imap_port=port, imap_security=security)
    result = _poll_one(dovecot_server, mailbox)
    assert result.fetched == 0 and Ticket.objects.count() == 0
    assert result.error.startswith(f"TLS certificate of 127.0.0.1:{port} not trusted")
    assert "add the CA certificate" in result.error
    status = _status(mailbox)
    assert status.last_error == result.error and status.last_polled_at is not None


def test_a_different_ca_does_not_vouch_for_the_server(dovecot_server, tmp_path):
    from tests.channels.authservers import make_tls

    other = make_tls(tmp_path / "other")
    mailbox = _mailbox(
        dovecot_server,
        imap_port=dovecot_server.ssl_port,
        imap_security=Mailbox.Security.SSL,
        imap_ca_certificate=other.ca_pem,
    )
    assert "not trusted" in _poll_one(dovecot_server, mailbox).error


def test_switching_verification_off_accepts_the_untrusted_certificate(dovecot_server):
    mailbox = _mailbox(
        dovecot_server,
        imap_port=dovecot_server.ssl_port,
        imap_security=Mailbox.Security.SSL,
        imap_verify_tls=False,
    )
    assert _poll_one(dovecot_server, mailbox).fetched == 1


def test_a_sealed_password_logs_in_and_is_not_in_the_database_column(dovecot_server):
    from django.db import connection

    mailbox = _mailbox(dovecot_server)
    assert _poll_one(dovecot_server, mailbox).fetched == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT imap_password FROM channels_mailbox WHERE id = %s", [mailbox.pk])
        (stored,) = cursor.fetchone()
    assert dovecot_server.password not in stored and stored.startswith("fernet:")


def test_xoauth2_with_an_active_access_token_opens_a_ticket(dovecot_server):
    token = dovecot_server.oauth.issue(dovecot_server.user)
    mailbox = _mailbox(dovecot_server, imap_password="", imap_oauth_token=seal(token))
    result = _poll_one(dovecot_server, mailbox)
    assert (result.error, result.fetched) == ("", 1)


def test_xoauth2_with_a_rejected_token_is_recorded_with_the_servers_answer(dovecot_server):
    mailbox = _mailbox(dovecot_server, imap_password="", imap_oauth_token=seal("at-revoked"))
    result = _poll_one(dovecot_server, mailbox)
    assert result.fetched == 0
    assert result.error.startswith(f"XOAUTH2 login refused for {dovecot_server.user}")
    assert '"status":"401"' in result.error and _status(mailbox).last_error == result.error


def _refreshing(server, **fields) -> Mailbox:
    oauth = server.oauth
    return _mailbox(
        server,
        imap_password="",
        imap_oauth_refresh_token=seal(oauth.issue_refresh(server.user)),
        imap_oauth_token_url=oauth.token_url,
        imap_oauth_client_id=oauth.client_id,
        imap_oauth_client_secret=seal(oauth.client_secret),
        **fields,
    )


def test_an_expired_access_token_is_refreshed_at_the_token_endpoint_before_polling(
    dovecot_server,
):
    expired = timezone.now() - dt.timedelta(minutes=1)
    mailbox = _refreshing(
        dovecot_server, imap_oauth_token=seal("at-expired"), imap_oauth_expires_at=expired
    )
    result = _poll_one(dovecot_server, mailbox)
    assert (result.error, result.fetched) == ("", 1)
    (request,) = dovecot_server.oauth.token_requests[-1:]
    assert request["grant_type"] == "refresh_token"
    status = _status(mailbox)
    assert dovecot_server.oauth.access[unseal(status.imap_oauth_token)] == dovecot_server.user
    assert status.imap_oauth_expires_at > timezone.now() + dt.timedelta(minutes=50)


def test_an_access_token_still_valid_is_used_without_asking_the_token_endpoint(dovecot_server):
    token = dovecot_server.oauth.issue(dovecot_server.user)
    later = timezone.now() + dt.timedelta(hours=1)
    mailbox = _refreshing(dovecot_server, imap_oauth_token=seal(token), imap_oauth_expires_at=later)
    asked = len(dovecot_server.oauth.token_requests)
    assert _poll_one(dovecot_server, mailbox).fetched == 1
    assert len(dovecot_server.oauth.token_requests) == asked


def test_a_refused_refresh_is_recorded_with_the_oauth_error(dovecot_server):
    mailbox = _refreshing(dovecot_server)
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_oauth_refresh_token=seal("rt-revoked"))
    result = _poll_one(dovecot_server, mailbox)
    assert result.fetched == 0
    assert result.error == (
        "token endpoint refused the refresh (HTTP 400): invalid_grant: refresh token revoked"
    )
    assert _status(mailbox).last_error == result.error
