"""Mailbox secrets at rest: sealing, key rotation, the migration, and the write-only admin."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from deskline.accounts.models import User
from deskline.channels.models import Mailbox
from deskline.channels.vault import SecretUnreadable, is_sealed, seal, unseal

SECRETS = ["imap_password", "imap_oauth_token", "imap_oauth_refresh_token"]


def test_a_sealed_secret_opens_to_the_original_and_does_not_contain_it():
    sealed = seal("hunter2-пароль")
    assert is_sealed(sealed) and "hunter2" not in sealed
    assert unseal(sealed) == "hunter2-пароль"


def test_sealing_twice_gives_different_ciphertexts():
    assert seal("same") != seal("same")


def test_the_empty_secret_stays_empty():
    assert seal("") == "" and unseal("") == ""


def test_a_legacy_plain_value_is_returned_unchanged():
    assert unseal("plain-old-password") == "plain-old-password"


def test_a_dedicated_encryption_key_seals_and_the_secret_key_still_opens_older_values(settings):
    older = seal("from-before")
    settings.DESKLINE_ENCRYPTION_KEY = "a-long-random-dedicated-key"
    newer = seal("from-now")
    settings.SECRET_KEY = "a-different-secret-key-entirely-0123456789"
    assert unseal(newer) == "from-now"
    with pytest.raises(SecretUnreadable):
        unseal(older)


def test_a_rotated_key_listed_after_the_new_one_still_opens(settings):
    settings.DESKLINE_ENCRYPTION_KEY = "old-key"
    sealed = seal("rotated")
    settings.DESKLINE_ENCRYPTION_KEY = "new-key,old-key"
    assert unseal(sealed) == "rotated"


def test_the_encryption_key_can_come_from_the_environment(settings, monkeypatch):
    monkeypatch.setenv("DESKLINE_ENCRYPTION_KEY", "env-key")
    sealed = seal("from-env")
    monkeypatch.setenv("DESKLINE_ENCRYPTION_KEY", "another-env-key")
    settings.SECRET_KEY = "a-different-secret-key-entirely-0123456789"
    with pytest.raises(SecretUnreadable, match="DESKLINE_ENCRYPTION_KEY"):
        unseal(sealed)


def _column(mailbox: Mailbox, name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {name} FROM channels_mailbox WHERE id = %s", [mailbox.pk])
        return str(cursor.fetchone()[0])


@pytest.mark.django_db
def test_the_migration_seals_plain_secrets_and_leaves_sealed_ones_alone():
    migration = importlib.import_module("deskline.channels.migrations.0003_seal_mailbox_secrets")
    done = seal("already")
    mailbox = Mailbox.objects.create(
        name="legacy", imap_password="plain-pass", imap_oauth_token=done
    )
    migration.seal_existing(apps, None)
    assert _column(mailbox, "imap_password").startswith("fernet:")
    assert "plain-pass" not in _column(mailbox, "imap_password")
    assert unseal(_column(mailbox, "imap_password")) == "plain-pass"
    assert _column(mailbox, "imap_oauth_token") == done


@pytest.fixture
def admin_client(admin: User) -> Client:
    client = Client()
    client.force_login(admin)
    return client


def _form(**fields: str) -> dict[str, str]:
    return {
        "name": "support",
        "address": "support@desk.example",
        "is_active": "on",
        "unknown_senders": "create",
        "rate_limit": "20",
        "rate_window_minutes": "10",
        "imap_host": "imap.example.com",
        "imap_port": "993",
        "imap_security": "ssl",
        "imap_verify_tls": "on",
        "imap_ca_certificate": "",
        "imap_username": "support",
        "imap_password": "",
        "imap_oauth_token": "",
        "imap_oauth_refresh_token": "",
        "imap_oauth_token_url": "",
        "imap_oauth_client_id": "",
        "imap_oauth_client_secret": "",
        "imap_folder": "INBOX",
        "imap_move_to": "",
        "since_0": "",
        "since_1": "",
    } | fields


@pytest.mark.django_db
def test_the_admin_stores_a_new_password_sealed(admin_client):
    response = admin_client.post("/admin/channels/mailbox/add/", _form(imap_password="s3cret!"))
    assert response.status_code == 302
    mailbox = Mailbox.objects.get()
    assert "s3cret!" not in _column(mailbox, "imap_password")
    assert unseal(mailbox.imap_password) == "s3cret!"


@pytest.mark.django_db
def test_the_admin_page_never_shows_a_stored_secret(admin_client):
    sealed = {name: seal(f"{name}-value") for name in SECRETS}
    mailbox = Mailbox.objects.create(name="support", **sealed)
    page = admin_client.get(f"/admin/channels/mailbox/{mailbox.pk}/change/").content.decode()
    for name in SECRETS:
        assert f"{name}-value" not in page and sealed[name] not in page
    assert "(stored)" in page


@pytest.mark.django_db
def test_an_empty_secret_field_keeps_the_stored_value(admin_client):
    mailbox = Mailbox.objects.create(name="support", imap_password=seal("keep-me"))
    url = f"/admin/channels/mailbox/{mailbox.pk}/change/"
    assert admin_client.post(url, _form(imap_username="renamed")).status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.imap_username == "renamed" and unseal(mailbox.imap_password) == "keep-me"


@pytest.mark.django_db
def test_the_clear_box_removes_a_stored_secret(admin_client):
    mailbox = Mailbox.objects.create(name="support", imap_oauth_token=seal("old-token"))
    url = f"/admin/channels/mailbox/{mailbox.pk}/change/"
    assert admin_client.post(url, _form(clear_imap_oauth_token="on")).status_code == 302
    assert Mailbox.objects.get(pk=mailbox.pk).imap_oauth_token == ""


@pytest.mark.django_db
def test_switching_tls_verification_off_in_the_admin_shows_a_warning(admin_client):
    form = _form()
    del form["imap_verify_tls"]
    response = admin_client.post("/admin/channels/mailbox/add/", form, follow=True)
    assert not Mailbox.objects.get().imap_verify_tls
    assert "TLS certificate is not verified" in response.content.decode()


@pytest.mark.django_db
def test_the_admin_refuses_a_ca_field_that_is_not_a_pem_certificate(admin_client):
    response = admin_client.post(
        "/admin/channels/mailbox/add/", _form(imap_ca_certificate="not a certificate")
    )
    assert response.status_code == 200 and not Mailbox.objects.exists()
    assert "This is not a PEM certificate." in response.content.decode()


@pytest.mark.django_db
def test_the_admin_refuses_a_plain_http_token_url_off_this_machine(admin_client):
    url = "http://login.example.com/token"
    response = admin_client.post("/admin/channels/mailbox/add/", _form(imap_oauth_token_url=url))
    assert response.status_code == 200 and not Mailbox.objects.exists()
